/** @jsxRuntime automatic */
/** @jsxImportSource react */
import test from 'ava';
import {render} from 'ink-testing-library';
import {MonarchError} from '../../source/core/errors.js';
import type {DangerQuestion} from '../../source/core/prompts.js';
import {GateRefusal} from '../../source/core/rehearse/index.js';
import {JobView} from '../../source/tui/components/job-view.js';
import {refusalQuestion} from '../../source/tui/jobs/migrate-job.js';
import {initialJobState, jobReducer} from '../../source/tui/state/job-state.js';
import {ask} from './helpers/ask.js';
import {keys, press, type, waitForFrame, waitForText} from './helpers/ink.js';

const refusal = 'migrate production refused: no rehearsal of production is stored; nothing was changed';

/** The question migrate-job.ts asks when the gate refuses (no rehearsal stored). */
const question = (name = 'production'): DangerQuestion =>
	refusalQuestion(name, new GateRefusal(refusal, 'none', {hint: `run \`monarch rehearse ${name}\` first`}));

test('the refusal is yellow when no rehearsal fits and red when the rehearsal failed; R rehearses instead, or type the name and unrehearsed', t => {
	t.deepEqual(question(), {
		message: 'Run it anyway, unrehearsed (the history records it)?',
		expected: 'production unrehearsed',
		evidence: [{text: refusal, tone: 'warn'}],
		instead: 'rehearse production now',
	});
	const failed = new GateRefusal('migrate production refused: the latest rehearsal ... failed', 'failed', {hint: ''});
	t.deepEqual(refusalQuestion('production', failed).evidence, [{text: failed.message, tone: 'bad'}]);
	for (const reason of ['too-old', 'other-migrations', 'changed-file'] as const) {
		t.is(refusalQuestion('production', new GateRefusal('refused', reason, {hint: ''})).evidence?.[0]?.tone, 'warn');
	}
});

/** The refusal's dialog at 80 columns. */
const askAt80 = (danger: DangerQuestion) => ask({kind: 'danger', question: danger, resolve() {}, reject() {}}, 80);

/** Waits until the dialog answered or rejected. */
async function answered(form: {settled: () => boolean}): Promise<void> {
	await waitForText(() => (form.settled() ? 'settled' : ''), 'settled');
}

test('the refusal dialog shows the refusal whole at 80 columns, offers R before typing, and R answers false (rehearse instead)', async t => {
	const form = askAt80(question());
	const frame = await waitForText(form.lastFrame, 'Or type production unrehearsed to confirm');
	const flat = frame.replaceAll(/[│╭╮╰╯─]/g, ' ').replaceAll(/\s+/g, ' ');
	t.true(flat.includes(refusal));
	t.true(flat.includes('R rehearse production now'));
	t.true(frame.split('\n').every(line => line.length <= 80));
	await press(form, 'R');
	await answered(form);
	t.deepEqual(form.outcome(), {value: false});
	form.unmount();
});

test('once typing began R is a letter: the R line goes, and only the exact `production unrehearsed` answers true', async t => {
	const form = askAt80(question());
	await waitForText(form.lastFrame, 'R rehearse production now');
	await type(form, 'production');
	await waitForFrame(form.lastFrame, frame => !frame.includes('rehearse production now'), 'the R line gone');
	await press(form, keys.enter);
	await waitForText(form.lastFrame, 'type "production unrehearsed" exactly');
	t.false(form.settled());
	await type(form, ' unRehearsed');
	await press(form, keys.enter);
	await waitForText(form.lastFrame, 'type "production unrehearsed" exactly');
	t.false(form.settled());
	for (const _ of 'Rehearsed') await press(form, keys.backspace);
	await type(form, 'rehearsed');
	await press(form, keys.enter);
	await answered(form);
	t.deepEqual(form.outcome(), {value: true});
	form.unmount();
});

test('esc at the refusal cancels: a cancelled MonarchError saying nothing was changed', async t => {
	const form = askAt80(question());
	await waitForText(form.lastFrame, 'R rehearse production now');
	await press(form, keys.escape);
	await answered(form);
	const {error} = form.outcome();
	t.true(error instanceof MonarchError);
	t.is((error as MonarchError).code, 'cancelled');
	t.regex((error as MonarchError).message, /nothing was changed/);
	form.unmount();
});

test("R is not offered when the answer to type starts with it: there it is the answer's first letter", async t => {
	const form = askAt80(question('Reports'));
	await waitForText(form.lastFrame, 'Type Reports unrehearsed to confirm');
	t.false(form.lastFrame()!.includes('rehearse Reports now'));
	await type(form, 'Reports unrehearsed');
	await press(form, keys.enter);
	await answered(form);
	t.deepEqual(form.outcome(), {value: true});
	form.unmount();
});

test('the job view at 80x24 wraps a long refusal or error line whole under its mark, and keeps the newest rows', t => {
	const startedAt = Date.parse('2026-03-01T09:30:00Z');
	let job = initialJobState('Migrate production', 2, startedAt);
	for (let index = 1; index <= 30; index++) {
		job = jobReducer(job, {type: 'event', event: {type: 'log', level: 'info', message: `line ${index}`}});
	}

	const long = `migrate_one 20261101_add_dogs production refused: the latest rehearsal (r_20261207_2030_ab12) was of other migrations: not rehearsed: 20261102_add_owners; nothing was changed`;
	job = jobReducer(job, {type: 'failed', code: 'not-rehearsed', message: long, hint: undefined, now: startedAt + 1000});
	const view = render(<JobView job={job} width={80} height={19} now={startedAt + 2000} />);
	const lines = view.lastFrame()!.split('\n');
	t.true(lines.length <= 19);
	t.true(lines.every(line => line.length <= 80));
	const failed = lines.findIndex(line => line.startsWith('✘ '));
	t.true(failed > 0);
	t.true(failed < lines.length - 1, 'the line wraps onto more rows');
	t.is(
		lines
			.slice(failed)
			.join(' ')
			.replaceAll(/^✘ |\s+/g, ' ')
			.trim(),
		long,
	);
	t.true(lines.slice(failed + 1).every(line => line.startsWith('  ')));
	t.true(lines.some(line => line.includes('line 30')));
	t.false(lines.some(line => line.includes('line 1 ') || line.endsWith('line 1')));
	view.unmount();
});
