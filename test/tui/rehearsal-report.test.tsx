/** @jsxRuntime automatic */
/** @jsxImportSource react */
import test from 'ava';
import {render} from 'ink-testing-library';
import stringWidth from 'string-width';
import {RehearsalReportView} from '../../source/tui/components/rehearsal-report.js';
import {actionFor, hintsFor} from '../../source/tui/keymap.js';
import {lineText, reportLines, verdictLines} from '../../source/tui/state/rehearsal-report-lines.js';
import {clampOffset, scrollReducer} from '../../source/tui/state/use-scroll-state.js';
import {failedReport, manyCollectionsReport, passedReport, querySetReport} from './fixtures/rehearsal-reports.js';
import {keys, noKey, press, waitForFrame} from './helpers/ink.js';

/** The rows the app gives a panel (and so the report) on an 80x24 terminal: 24, less one kept free, less header, tab row, toast, status bar and footer. */
const rowsAt80x24 = 24 - 1 - 5;

function open(report: typeof passedReport, onClose = () => {}) {
	const view = render(<RehearsalReportView report={report} width={80} height={rowsAt80x24} onClose={onClose} />);
	const lines = () => (view.lastFrame() ?? '').split('\n');
	return {...view, lines};
}

test('a passed rehearsal: the verdict in green first, then source, copy, scratch, the migrations with their log, and the collections', t => {
	const view = open(passedReport);
	t.deepEqual(view.lines(), [
		'Rehearsal of production                                              1-15/17 ↓/j',
		'✔ All 2 pending migrations passed on a copy of production taken at 2026-11-28',
		'  21:50:03 UTC',
		'Source    production (database shop)',
		'Copy      taken 2026-11-28 21:50:03 UTC, in 1.8 s',
		'Copied    3 collections, 1250 documents',
		'Scratch   shop_rehearsal_20261128_215003 on development: dropped',
		'QuerySet  none (the whole database)',
		'',
		'  STATE     MIGRATION                                                   DURATION',
		'✔ Completed 20261101000000_add_email_index                                120 ms',
		'            │ indexed users.email',
		'            │ filled 1000 emails',
		'✔ Completed 20261102000000_drop_test_orders                                2.5 s',
		'',
		'3 collections, 2 changed',
		'COLLECTION BEFORE AFTER +INS -DEL ~CHG INDEXES',
		'orders        200   150    0   50    0',
	]);
	t.deepEqual(
		verdictLines(passedReport, 80).map(line => line.map(span => span.color)),
		[
			['green', 'green'],
			['green', 'green'],
		],
	);
	t.deepEqual(reportLines(passedReport, 80).slice(-2).map(lineText), [
		'products       50    50    0    0    0',
		'users        1000  1000    0    0 1000 +email_1',
	]);
	view.unmount();
});

test('a failed rehearsal: the verdict in red names the migration and its error, the failed row carries the whole error, the next one did not run', async t => {
	const view = open(failedReport);
	t.deepEqual(view.lines(), [
		'Rehearsal of production                                              1-14/20 ↓/j',
		'✘ 20261102000000_unique_emails failed on a copy of production taken at',
		'  2026-11-28 21:50:03 UTC: E11000 duplicate key error collection:',
		'  shop_rehearsal_20261128_215003.users index: email_1 dup key: { email: "a@exam…',
		'Source    production (database shop)',
		'Copy      taken 2026-11-28 21:50:03 UTC, in 1.8 s',
		'Copied    3 collections, 1250 documents',
		'Scratch   shop_rehearsal_20261128_215003 on development: kept for inspection',
		'QuerySet  none (the whole database)',
		'',
		'  STATE     MIGRATION                                                   DURATION',
		'✔ Completed 20261101000000_add_email_index                                120 ms',
		'✘ Failed    20261102000000_unique_emails                                   35 ms',
		'            ✘ E11000 duplicate key error collection:',
		'              shop_rehearsal_20261128_215003.users index: email_1 dup key: {',
		'              email: "a@example.com" }',
		'            │ making email unique',
		'· Not run   20261103000000_backfill_names                                      -',
	]);
	t.true(verdictLines(failedReport, 80).every(line => line.every(span => span.color === 'red')));

	await press(view, keys.end);
	await waitForFrame(view.lastFrame, frame => frame.includes('7-20/20'), 'the end');
	t.deepEqual(view.lines().slice(4), [
		'  STATE     MIGRATION                                                   DURATION',
		'✔ Completed 20261101000000_add_email_index                                120 ms',
		'✘ Failed    20261102000000_unique_emails                                   35 ms',
		'            ✘ E11000 duplicate key error collection:',
		'              shop_rehearsal_20261128_215003.users index: email_1 dup key: {',
		'              email: "a@example.com" }',
		'            │ making email unique',
		'· Not run   20261103000000_backfill_names                                      -',
		'',
		'3 collections, 1 changed',
		'COLLECTION BEFORE AFTER +INS -DEL ~CHG INDEXES',
		'orders        200   200    0    0    0',
		'products       50    50    0    0    0',
		'users        1000  1000    0    0    0 +email_1',
	]);
	view.unmount();
});

test('with a QuerySet: its name and answers, the part copied against the source, and an ESTIMATE column labelled as an estimate', t => {
	const view = open(querySetReport);
	t.deepEqual(view.lines(), [
		'Rehearsal of production',
		'✔ The 1 pending migration passed on a copy of production (QuerySet',
		'  AccountQuerySet) taken at 2026-11-28 21:50:03 UTC',
		'Source    production (database shop)',
		'Copy      taken 2026-11-28 21:50:03 UTC, in 310 ms',
		"Copied    2 collections, 25 of the source's 2500 documents",
		'Scratch   shop_rehearsal_20261128_215003 on development: dropped',
		'QuerySet  AccountQuerySet accountId=42',
		'',
		'  STATE     MIGRATION                                         DURATION  ESTIMATE',
		'✔ Completed 20261101000000_add_email_index                       12 ms    ~1.2 s',
		"ESTIMATE: each duration scaled by the source's 2500 documents over the 25",
		'copied; an estimate, not a measurement.',
		'',
		'2 collections, 2 changed',
		'COLLECTION BEFORE AFTER +INS -DEL ~CHG INDEXES',
		'accounts        1     1    0    0    1',
		'campaigns      24    24    0    0    0 +account_id_1 -legacy_account_1',
	]);
	// Without a QuerySet there is nothing to estimate: no such column.
	t.false(reportLines(passedReport, 80).some(line => lineText(line).includes('ESTIMATE')));
	view.unmount();
});

test('40 collections at 80x24: the report scrolls a line with j/k, a page with pgdn/pgup, to the end and back home, and q closes it', async t => {
	let closed = false;
	const view = open(manyCollectionsReport, () => (closed = true));
	const top = [
		'Source    production (database shop)',
		'Copy      taken 2026-11-28 21:50:03 UTC, in 1.8 s',
		'Copied    40 collections, 4000 documents',
		'Scratch   shop_rehearsal_20261128_215003 on development: dropped',
		'QuerySet  none (the whole database)',
		'',
		'  STATE     MIGRATION                                                   DURATION',
		'✔ Completed 20261101000000_stamp_everything                               900 ms',
		'',
		'40 collections, 20 changed',
		'COLLECTION BEFORE AFTER +INS -DEL ~CHG INDEXES',
		'c01           100   100    0    0  100',
		'c02           100   100    0    0    0',
		'c03           100   100    0    0  100',
		'c04           100   100    0    0    0',
	];
	const verdict = ['✔ The 1 pending migration passed on a copy of production taken at 2026-11-28', '  21:50:03 UTC'];
	const row = (index: number) => `c${String(index).padStart(2, '0')}           100   100    0    0  ${index % 2 === 1 ? '100' : '  0'}`;
	t.deepEqual(view.lines(), ['Rehearsal of production                                              1-15/51 ↓/j', ...verdict, ...top]);
	t.true(view.lines().every(line => stringWidth(line) <= 80));

	const shows = async (position: string) =>
		waitForFrame(view.lastFrame, frame => frame.split('\n')[0]!.endsWith(`${position} ↓/j`), position);
	await press(view, 'j');
	await press(view, 'j');
	await shows('3-17/51');
	t.deepEqual(view.lines().slice(1), [...verdict, ...top.slice(2), row(5), row(6)]);
	await press(view, 'k');
	await shows('2-16/51');
	await press(view, keys.pageDown);
	await shows('17-31/51');
	t.deepEqual(
		view.lines().slice(3),
		Array.from({length: 15}, (_, index) => row(index + 6)),
	);
	await press(view, keys.pageUp);
	await shows('2-16/51');
	await press(view, keys.end);
	await shows('37-51/51');
	t.deepEqual(
		view.lines().slice(3),
		Array.from({length: 15}, (_, index) => row(index + 26)),
	);
	// Past the end nothing moves.
	await press(view, keys.pageDown);
	await press(view, 'j');
	await press(view, keys.home);
	await shows('1-15/51');
	t.deepEqual(view.lines().slice(3), top);
	t.false(closed);
	await press(view, 'q');
	await waitForFrame(
		() => (closed ? 'closed' : ''),
		frame => frame === 'closed',
		'q to close the report',
	);
	view.unmount();
});

test('nothing pending: the report says nothing was copied, and shows no copy, scratch database or table', t => {
	const nothing = {
		...passedReport,
		copied: {collections: 0, documents: 0, sourceDocuments: 0},
		copyMs: 0,
		migrations: [],
		collections: [],
		verdict: {passed: true, pending: 0, failed: undefined, line: 'Nothing to rehearse: all 2 migrations of production are completed'},
	};
	const view = open(nothing);
	t.deepEqual(view.lines(), [
		'Rehearsal of production',
		'✔ Nothing to rehearse: all 2 migrations of production are completed',
		'Source    production (database shop)',
		'',
		'No migration is pending: nothing was copied.',
		...Array.from({length: rowsAt80x24 - 5}, () => ''),
	]);
	view.unmount();
});

test('the report scroll reducer stays inside the lines, whatever the sizes the key was pressed with', t => {
	const bounds = {lines: 51, rows: 15};
	t.is(scrollReducer(0, {type: 'line', delta: -1, ...bounds}), 0);
	t.is(scrollReducer(0, {type: 'line', delta: 3, ...bounds}), 3);
	t.is(scrollReducer(30, {type: 'page', delta: 1, ...bounds}), 36);
	t.is(scrollReducer(20, {type: 'page', delta: -1, ...bounds}), 5);
	t.is(scrollReducer(20, {type: 'end', ...bounds}), 36);
	t.is(scrollReducer(20, {type: 'home', ...bounds}), 0);
	// A terminal made taller shows more: an offset past the new end comes back.
	t.is(clampOffset(36, {lines: 51, rows: 40}), 11);
	t.is(clampOffset(5, {lines: 10, rows: 15}), 0);
});

test('the report keys are in the keymap, so the footer and the help show them', t => {
	t.is(actionFor(['report'], '', {...noKey, pageDown: true}), 'page-down');
	t.is(actionFor(['report'], '', {...noKey, pageUp: true}), 'page-up');
	t.is(actionFor(['report'], '', {...noKey, home: true}), 'top');
	t.is(actionFor(['report'], '', {...noKey, end: true}), 'bottom');
	t.is(actionFor(['report'], 'q', noKey), 'close');
	t.is(actionFor(['migrations', 'list'], 'R', {...noKey, shift: true}), 'rehearse');
	t.deepEqual(hintsFor(['report']), [
		{label: '↓/j', hint: 'scroll'},
		{label: 'pgdn', hint: 'page'},
		{label: 'home', hint: 'top'},
		{label: 'end', hint: 'end'},
		{label: 'esc/q', hint: 'close'},
	]);
});
