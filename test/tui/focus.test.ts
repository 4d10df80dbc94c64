import test from 'ava';
import {type FocusState, type FocusTarget, focusOf, footerHints} from '../../source/tui/state/focus.js';
import {initialAppState} from '../../source/tui/state/use-app-state.js';

const idle: FocusState = {request: undefined, app: initialAppState('development'), job: undefined, paletteOpen: false, filtering: false};
const finished = {running: false, hasCommand: true, viewable: false};
const report = {environment: 'staging'} as unknown as NonNullable<FocusState['app']['report']>;

test('focus: a form over everything, then the CLI line, a message, the help, a report, the job, the privacy view, the palette, a filter, the panel', t => {
	const layers: Array<[FocusTarget, Partial<FocusState>, Partial<FocusState['app']>]> = [
		['form', {request: {kind: 'select'}}, {}],
		['command', {}, {command: {title: 'Backup', line: 'monarch backup development', copied: false}}],
		['modal', {}, {modal: {title: 'Failed', tone: 'error', lines: ['no']}}],
		['help', {}, {help: true}],
		['report', {}, {report}],
		['job', {job: finished}, {}],
		['privacy', {}, {privacy: 'production'}],
		['palette', {paletteOpen: true}, {}],
		['filter', {filtering: true}, {}],
	];
	// Each layer on its own has focus, and keeps it with every layer below it present.
	for (const [index, [on, state, app]] of layers.entries()) {
		t.is(focusOf({...idle, ...state, app: {...idle.app, ...app}}).on, on, `${on} alone`);
		const below = layers.slice(index);
		const all = Object.assign({}, idle, ...below.map(([, each]) => each)) as FocusState;
		all.app = Object.assign({}, idle.app, ...below.map(([, , each]) => each)) as FocusState['app'];
		t.is(focusOf(all).on, on, `${on} over what is below it`);
	}

	t.is(focusOf(idle).on, 'panel');
	t.deepEqual(focusOf({...idle, request: {kind: 'confirm'}}), {on: 'form', kind: 'confirm'});
	t.deepEqual(focusOf({...idle, job: finished}), {on: 'job', job: finished});
});

const labels = (hints: Array<{label: string; hint: string}>) => hints.map(hint => `${hint.label} ${hint.hint}`);

test("footer: a panel's hints, help and quit pinned at the end", t => {
	const {hints, pinned} = footerHints({on: 'panel'}, ['environments', 'list']);
	t.deepEqual(labels(pinned), ['? help', 'q quit']);
	t.deepEqual(labels(hints), ['enter/m migrations', 'd drop db', 'b back up', 'y copy to', 'P privacy', '/ filter', 'r refresh']);
});

test("footer: a job's keys by its state, chosen by action", t => {
	const job = (running: boolean, hasCommand: boolean, viewable: boolean) =>
		labels(footerHints({on: 'job', job: {running, hasCommand, viewable}}, []).hints);
	t.deepEqual(job(true, false, false), ['c cancel', '? help']);
	t.deepEqual(job(true, true, false), ['c cancel', 'y copy command', '? help']);
	t.deepEqual(job(false, true, true), ['y copy command', 'esc/enter/q close', 'v report', '? help']);
	t.deepEqual(job(false, false, false), ['esc/enter/q close', '? help']);
});

test('footer: forms by their kind, the CLI line only closes, overlays and fields their own keys', t => {
	const hints = (focus: Parameters<typeof footerHints>[0]) => labels(footerHints(focus, ['migrations']).hints);
	t.deepEqual(hints({on: 'form', kind: 'confirm'}), ['y yes', 'n no', 'esc cancel']);
	t.deepEqual(hints({on: 'form', kind: 'select'}), ['↓/j move', '1-9 pick', 'enter submit', 'esc cancel']);
	t.deepEqual(hints({on: 'form', kind: 'text'}), ['enter submit', 'esc cancel']);
	t.deepEqual(hints({on: 'command'}), ['esc/enter/q close']);
	t.deepEqual(hints({on: 'modal'}), ['esc/enter/q close', '↓/j scroll']);
	t.deepEqual(hints({on: 'help'}), hints({on: 'modal'}));
	t.deepEqual(hints({on: 'report'}).at(-1), '? help');
	t.deepEqual(hints({on: 'privacy'}).slice(-2), ['esc/q close', '? help']);
	t.deepEqual(hints({on: 'palette'}), ['tab complete', '↑ history', 'enter run', 'esc close']);
	t.deepEqual(hints({on: 'filter'}), ['enter keep filter', 'esc clear']);
});
