import {readFile} from 'node:fs/promises';
import test from 'ava';
import stringWidth from 'string-width';
import {MonarchError} from '../../source/core/errors.js';
import type {MigrationsReport} from '../../source/core/migrations/status.js';
import {fit} from '../../source/tui/components/text.js';
import {timedPrompter} from '../../source/tui/hooks/use-job-runner.js';
import {actionFor, helpSections, hintsFor, keymap, keyName, keysLabel} from '../../source/tui/keymap.js';
import {initialJobState, type JobState, jobElapsedMs, jobReducer, maxJobLines, overallFraction} from '../../source/tui/state/job-state.js';
import {matrixLines, migrationDetails, migrationRows} from '../../source/tui/state/migration-rows.js';
import {createPromptChannel} from '../../source/tui/state/prompt-channel.js';
import {checkDanger, checkNumberAnswer, checkText} from '../../source/tui/state/prompt-form-state.js';
import {appReducer, initialAppState} from '../../source/tui/state/use-app-state.js';
import {applyFilter, initialListState, listReducer, scrollOffset} from '../../source/tui/state/use-list-state.js';
import {environmentAfter} from '../../source/tui/state/use-migrations-state.js';
import {createTuiPrompter} from '../../source/tui/tui-prompter.js';
import {splitTypedAhead} from '../../source/tui/typed-ahead.js';
import {noKey} from './helpers/ink.js';

test('the keymap turns key presses into actions, scope by scope', t => {
	t.is(actionFor(['list'], 'j', noKey), 'down');
	t.is(actionFor(['list'], '', {...noKey, downArrow: true}), 'down');
	t.is(actionFor(['environments', 'list'], '', {...noKey, return: true}), 'open-migrations');
	t.is(actionFor(['migrations', 'list'], '', {...noKey, return: true}), 'details');
	t.is(actionFor(['global'], 'c', {...noKey, ctrl: true}), 'interrupt');
	t.is(actionFor(['global'], '3', noKey), 'panel');
	t.is(actionFor(['global'], 'z', noKey), undefined);
	t.is(keyName('', {...noKey, tab: true, shift: true}), 'shift+tab');
});

test('keys that arrive as one input are split into the keys pressed: text runs stay whole, control characters are keys', t => {
	const shown = (input: string) =>
		splitTypedAhead(input, noKey).map(
			({input: text, key}) => keyName(text, key) + (key.ctrl ? '(ctrl)' : '') + (key.delete ? '(delete)' : ''),
		);
	t.deepEqual(shown('stage\r'), ['stage', 'enter']);
	t.deepEqual(shown('jj'), ['jj']);
	t.deepEqual(shown('ab\u007Fc\tX'), ['ab', 'backspace(delete)', 'c', 'tab', 'X']);
	t.deepEqual(shown('a\u0003'), ['a', 'ctrl+c(ctrl)']);
	t.deepEqual(shown('a\nb'), ['a', 'b']);
	t.is(splitTypedAhead('\r', {...noKey, return: true})[0]?.key.return, true);
	t.is(splitTypedAhead('Q\r', noKey)[0]?.key.shift, true);
});

test('no key is bound twice in one scope, and every footer hint and help line comes from the keymap', t => {
	const seen = new Set<string>();
	for (const binding of keymap) {
		for (const key of binding.keys) {
			t.false(seen.has(`${binding.scope}:${key}`), `${key} bound twice in ${binding.scope}`);
			seen.add(`${binding.scope}:${key}`);
		}
	}

	t.deepEqual(
		hintsFor(['job']).map(hint => hint.hint),
		['cancel', 'copy command', 'close', 'report'],
	);
	const helpCount = helpSections().reduce((sum, section) => sum + section.bindings.length, 0);
	t.is(helpCount, keymap.length);
});

test('the list reducer keeps the selection inside the filtered items', t => {
	let state = listReducer(initialListState, {type: 'move', delta: 1, count: 3});
	state = listReducer(state, {type: 'move', delta: 5, count: 3});
	t.is(state.index, 2);
	state = listReducer(state, {type: 'move', delta: -9, count: 3});
	t.is(state.index, 0);
	state = listReducer(listReducer(state, {type: 'start-filter'}), {type: 'set-filter', filter: 'dev'});
	t.deepEqual(state, {index: 0, filter: 'dev', filtering: true});
	state = listReducer(state, {type: 'keep-filter'});
	t.false(state.filtering);
	t.is(state.filter, 'dev');
	t.deepEqual(listReducer({...state, index: 7}, {type: 'clamp', count: 2}).index, 1);
	t.deepEqual(listReducer(state, {type: 'clear-filter'}), initialListState);
	t.deepEqual(
		applyFilter(['development', 'staging', 'production'], 'DUC', name => name),
		['production'],
	);
	t.is(scrollOffset(9, 10, 4), 6);
	t.is(scrollOffset(0, 10, 4), 0);
});

test('the job reducer folds migration events into lines, steps and an overall fraction', t => {
	let job: JobState = initialJobState('Migrate development', 2, 1000);
	job = jobReducer(job, {type: 'event', event: {type: 'migration:start', key: 'a', environment: 'development'}});
	job = jobReducer(job, {type: 'event', event: {type: 'log', level: 'info', message: 'half way', source: 'a'}});
	job = jobReducer(job, {
		type: 'progress',
		snapshot: {task: 'a', unit: 'docs', done: 50, total: 100, rate: 10, etaSeconds: 5, elapsedMs: 5000, fraction: 0.5},
	});
	t.is(job.current, 'a');
	t.is(overallFraction(job), 0.25);
	job = jobReducer(job, {
		type: 'event',
		event: {type: 'migration:end', key: 'a', environment: 'development', state: 'Completed', durationMs: 12},
	});
	t.is(overallFraction(job), 0.5);
	job = jobReducer(job, {type: 'failed', code: 'migration-failed', message: 'b broke', hint: 'fix it', now: 2000});
	t.is(job.status, 'failed');
	t.deepEqual(job.error, {code: 'migration-failed', message: 'b broke', hint: 'fix it'});
	t.deepEqual(
		job.lines.map(line => [line.kind, line.text]),
		[
			['start', 'a'],
			['info', 'half way'],
			['ok', 'a (12 ms)'],
			['fail', 'b broke'],
		],
	);
});

test('the job log keeps the newest lines and the overall bar sums tasks when steps are unknown', t => {
	let job = initialJobState('Copy', undefined, 0);
	for (let index = 0; index < maxJobLines + 20; index += 1)
		job = jobReducer(job, {type: 'event', event: {type: 'log', level: 'info', message: `line ${index}`}});
	t.is(job.lines.length, maxJobLines);
	t.is(job.lines.at(-1)?.text, `line ${maxJobLines + 19}`);
	job = jobReducer(job, {
		type: 'progress',
		snapshot: {task: 'dogs', unit: 'docs', done: 30, total: 40, rate: 1, etaSeconds: 1, elapsedMs: 1, fraction: 0.75},
	});
	job = jobReducer(job, {
		type: 'progress',
		snapshot: {task: 'cats', unit: 'docs', done: 10, total: 60, rate: 1, etaSeconds: 1, elapsedMs: 1, fraction: 1 / 6},
	});
	t.is(overallFraction(job), 0.4);
	job = jobReducer(job, {type: 'cancel-requested'});
	t.true(job.cancelRequested);
	job = jobReducer(job, {type: 'cancelled', message: 'Cancelled the copy', now: 5});
	t.is(job.status, 'cancelled');
});

test('form answers are checked inline: text rules, number bounds, the exact name', t => {
	const reject = () => {};
	const text = {
		id: 1,
		kind: 'text' as const,
		question: {key: 'name', message: 'Name?', validate: (value: string) => (value.includes(' ') ? 'no spaces' : undefined)},
		resolve() {},
		reject,
	};
	t.deepEqual(checkText(text, ''), {ok: false, error: 'enter a value'});
	t.deepEqual(checkText(text, 'a b'), {ok: false, error: 'no spaces'});
	t.deepEqual(checkText(text, 'ab'), {ok: true, value: 'ab'});
	const number = {id: 2, kind: 'number' as const, question: {key: 'n', message: 'How many?', integer: true, min: 1}, resolve() {}, reject};
	t.deepEqual(checkNumberAnswer(number, 'x'), {ok: false, error: 'enter a number'});
	t.deepEqual(checkNumberAnswer(number, '1.5'), {ok: false, error: 'enter a whole number'});
	t.deepEqual(checkNumberAnswer(number, '0'), {ok: false, error: 'must be at least 1'});
	t.deepEqual(checkNumberAnswer(number, '3'), {ok: true, value: 3});
	const danger = {id: 3, kind: 'danger' as const, question: {message: 'Drop?', expected: 'production'}, resolve() {}, reject};
	t.false(checkDanger(danger, 'Production').ok);
	t.true(checkDanger(danger, 'production').ok);
});

test('the TUI prompter posts questions to the channel in order and rejectAll cancels them', async t => {
	const channel = createPromptChannel();
	const prompter = createTuiPrompter(channel);
	const first = prompter.text({key: 'a', message: 'A?'});
	const second = prompter.confirm({key: 'b', message: 'B?'});
	const current = channel.current();
	t.is(current?.kind, 'text');
	if (current?.kind === 'text') current.resolve('answer');
	channel.settle(current!.id);
	t.is(await first, 'answer');
	t.is(channel.current()?.kind, 'confirm');
	channel.rejectAll(new MonarchError('cancelled', 'closing'));
	const error = await t.throwsAsync(second);
	t.is((error as MonarchError).code, 'cancelled');
	t.is(channel.current(), undefined);
});

test('the app reducer switches panels round the tab row and keeps only the newest toast', t => {
	let state = initialAppState('development');
	state = appReducer(state, {type: 'next-panel', delta: -1, count: 4});
	t.is(state.panel, 3);
	state = appReducer(state, {type: 'toast', text: 'one', tone: 'info'});
	const first = state.toast!.id;
	state = appReducer(state, {type: 'toast', text: 'two', tone: 'info'});
	t.is(appReducer(state, {type: 'clear-toast', id: first}).toast?.text, 'two');
	t.is(appReducer(state, {type: 'clear-toast', id: state.toast!.id}).toast, undefined);
});

test('migration rows mark drift, interruptions and orphans, and details show a failure stack', t => {
	const report: MigrationsReport = {
		environment: 'development',
		database: 'd',
		pending: 2,
		migrations: [
			{
				key: 'a',
				file: '/m/a.ts',
				state: 'Completed',
				finishedAt: new Date(2026, 0, 2, 3, 4),
				durationMs: 31,
				drift: true,
				error: undefined,
				interrupted: false,
			},
			{
				key: 'b',
				file: '/m/b.ts',
				state: 'Failed',
				finishedAt: undefined,
				durationMs: 4,
				drift: false,
				error: {message: 'locked', stack: 'Error: locked\n    at run (b.ts:3:9)'},
				interrupted: false,
			},
			{
				key: 'c',
				file: '/m/c.ts',
				state: 'Processing',
				finishedAt: undefined,
				durationMs: undefined,
				drift: false,
				error: undefined,
				interrupted: true,
			},
		],
		orphans: [
			{
				_id: 'z',
				name: 'Z',
				state: 'Completed',
				startedAt: new Date(2026, 0, 1, 9, 30),
				checksum: 'x',
				ranBy: {host: 'h', user: 'u', pid: 1},
				monarchVersion: '0',
			},
		],
	};
	const rows = migrationRows(report);
	t.deepEqual(
		rows.map(row => [row.key, row.marks]),
		[
			['a', ['changed']],
			['b', []],
			['c', ['interrupted']],
			['z', ['file gone']],
		],
	);
	const details = migrationDetails(rows[1]!, 'development');
	t.true(details.includes('error       locked'));
	t.true(details.includes('    at run (b.ts:3:9)'));
	const matrix = matrixLines(
		{
			keys: ['a', 'b'],
			columns: [
				{
					environment: 'development',
					states: new Map([
						['a', 'Completed'],
						['b', 'Failed'],
					]),
					error: undefined,
				},
				{environment: 'production', states: undefined, error: 'down'},
			],
		},
		4,
		5,
	);
	t.is(matrix.header, '     devel produ');
	t.deepEqual(
		matrix.rows.map(row => row.cells.join('|')),
		['✔    |?    ', '✘    |?    '],
	);
});

test('←/→ in the Migrations panel go round the environments', t => {
	const environments = [{name: 'development'}, {name: 'staging'}, {name: 'production'}];
	t.is(environmentAfter(environments, 'development', 1)?.name, 'staging');
	t.is(environmentAfter(environments, 'production', 1)?.name, 'development');
	t.is(environmentAfter(environments, 'development', -1)?.name, 'production');
	t.is(environmentAfter(environments, 'gone', 1)?.name, 'staging');
	t.is(environmentAfter([], 'development', 1), undefined);
});

test('key labels are drawn from the keys bound, so the footer and the help show every one', t => {
	t.is(keysLabel(['escape', 'enter', 'q']), 'esc/enter/q');
	t.is(keysLabel(['up', 'k']), '↑/k');
	t.is(keysLabel(['1', '2', '3', '4']), '1-4');
	t.is(keysLabel(['1', '3']), '1/3');
	t.is(keysLabel(['backspace']), 'backspace');
	for (const binding of keymap) t.is(binding.label, keysLabel(binding.keys), `${binding.scope} ${binding.action}`);
	t.deepEqual(hintsFor(['job']), [
		{label: 'c', hint: 'cancel'},
		{label: 'y', hint: 'copy command'},
		{label: 'esc/enter/q', hint: 'close'},
		{label: 'v', hint: 'report'},
	]);
	const messages = helpSections().find(section => section.title === 'Messages')!;
	t.is(messages.bindings.find(binding => binding.action === 'close')?.label, 'esc/enter/q');
	t.is(keyName('', {...noKey, delete: true}), 'backspace');
	t.is(actionFor(['select', 'form'], '3', noKey), 'pick');
	t.is(actionFor(['text'], 'h', noKey), undefined);
});

test("a job's elapsed time leaves out the time its forms waited for the user", async t => {
	let job = initialJobState('QuerySet AccountQuerySet', undefined, 10_000);
	const channel = createPromptChannel();
	let time = 10_000;
	const prompter = timedPrompter(
		createTuiPrompter(channel),
		action => (job = jobReducer(job, action)),
		() => time,
	);
	time = 10_500;
	const answer = prompter.text({key: 'account', message: 'Account id?'});
	t.is(job.openQuestions, 1);
	time = 70_500; // A minute at the form.
	t.is(jobElapsedMs(job, time), 500);
	const request = channel.current();
	if (request?.kind === 'text') request.resolve('42');
	channel.settle(request!.id);
	t.is(await answer, '42');
	t.is(job.waitedMs, 60_000);
	t.is(jobElapsedMs(job, 71_500), 1500);
	time = 72_000;
	const cancelled = prompter.confirm({key: 'confirm', message: 'Go on?'});
	time = 80_000;
	channel.rejectAll(new MonarchError('cancelled', 'closing'));
	await t.throwsAsync(cancelled);
	t.is(job.waitedMs, 68_000);
	job = jobReducer(job, {type: 'cancelled', message: 'Cancelled', now: 80_000});
	t.is(jobElapsedMs(job, 999_999), 2000);
});

test("the README's Keys table is the keymap's", async t => {
	const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
	const table = ['| key | |', '|---|---|'];
	for (const section of helpSections()) {
		table.push(`| **${section.title}** | |`);
		for (const binding of section.bindings) table.push(`| \`${binding.label}\` | ${binding.description} |`);
	}

	const keys = readme.slice(readme.indexOf('### Keys'));
	const shown = keys
		.slice(keys.indexOf('| key | |'))
		.split('\n')
		.filter(line => line.startsWith('|'));
	t.deepEqual(shown.slice(0, table.length), table);
});

test('table cells are cut and padded by display width: CJK and emoji take two columns, ASCII one', t => {
	for (const [text, width] of [
		['犬小屋を追加する', 7],
		['add 🐶 dogs to houses', 8],
		['plain ascii name', 6],
		['短い', 9],
		['x', 1],
	] as const) {
		const cell = fit(text, width);
		t.is(stringWidth(cell), width, `${text} in ${width}: ${JSON.stringify(cell)}`);
		if (stringWidth(text) > width) t.true(cell.trimEnd().endsWith('…'), cell);
		else t.is(cell.trimEnd(), text);
	}
});
