/** @jsxRuntime automatic */
/** @jsxImportSource react */
import test from 'ava';
import {render} from 'ink-testing-library';
import {makeEnvironment} from '../../source/core/environments.js';
import {MonarchError} from '../../source/core/errors.js';
import {Footer} from '../../source/tui/components/footer.js';
import {HelpOverlay} from '../../source/tui/components/help-overlay.js';
import {JobView} from '../../source/tui/components/job-view.js';
import {Modal} from '../../source/tui/components/modal.js';
import {StatusBar} from '../../source/tui/components/status-bar.js';
import {TabRow} from '../../source/tui/components/tab-row.js';
import {hintsFor} from '../../source/tui/keymap.js';
import {initialJobState, jobReducer} from '../../source/tui/state/job-state.js';
import {ask} from './helpers/ask.js';
import {keys, press, type, waitForText} from './helpers/ink.js';

test('a text form starts from its default, shows the rule that failed inline, then answers', async t => {
	const form = ask({
		kind: 'text',
		question: {
			key: 'name',
			message: 'Account name?',
			default: 'acme',
			validate: value => (value.length < 5 ? 'at least 5 letters' : undefined),
		},
		resolve() {},
		reject() {},
	});
	await waitForText(form.lastFrame, 'Account name?');
	t.true(form.lastFrame()!.includes('acme'));
	await press(form, keys.enter);
	await waitForText(form.lastFrame, '✘ at least 5 letters');
	t.false(form.settled());
	await type(form, '-corp');
	await waitForText(form.lastFrame, 'acme-corp');
	t.false(form.lastFrame()!.includes('at least 5 letters'));
	await press(form, keys.enter);
	t.true(form.settled());
	t.deepEqual(form.outcome(), {value: 'acme-corp'});
	form.unmount();
});

test('a number form refuses what is not a whole number in range', async t => {
	const form = ask({
		kind: 'number',
		question: {key: 'limit', message: 'How many accounts?', integer: true, min: 1, max: 10},
		resolve() {},
		reject() {},
	});
	await waitForText(form.lastFrame, 'How many accounts?');
	await type(form, '12');
	await press(form, keys.enter);
	await waitForText(form.lastFrame, 'must be at most 10');
	await press(form, keys.backspace);
	await press(form, keys.backspace);
	await type(form, '7');
	await press(form, keys.enter);
	t.deepEqual(form.outcome(), {value: 7});
	form.unmount();
});

test('a select form moves with the arrows and answers with the value', async t => {
	const form = ask({
		kind: 'select',
		question: {key: 'target', message: 'Copy into?', choices: [{value: 'development'}, {value: 'staging', label: 'staging (shared)'}]},
		resolve() {},
		reject() {},
	});
	await waitForText(form.lastFrame, 'staging (shared)');
	await press(form, keys.down);
	await press(form, keys.enter);
	t.deepEqual(form.outcome(), {value: 'staging'});
	form.unmount();
});

test('a yes/no dialog answers y, n, and its default on enter', async t => {
	for (const [key, expected] of [
		['y', true],
		['n', false],
		[keys.enter, true],
	] as const) {
		const form = ask({kind: 'confirm', question: {key: 'go', message: 'Drop the database?', default: true}, resolve() {}, reject() {}});
		await waitForText(form.lastFrame, 'Drop the database?');
		t.true(form.lastFrame()!.includes('enter: yes'));
		await press(form, key);
		t.deepEqual(form.outcome(), {value: expected});
		form.unmount();
	}
});

test('a protected action goes on only once the exact name is typed', async t => {
	const form = ask({
		kind: 'danger',
		question: {message: 'Drop database shop on protected environment "production".', expected: 'production'},
		resolve() {},
		reject() {},
	});
	await waitForText(form.lastFrame, 'Type production to confirm');
	await type(form, 'prod');
	await press(form, keys.enter);
	await waitForText(form.lastFrame, 'type "production" exactly');
	t.false(form.settled());
	await type(form, 'uction');
	await press(form, keys.enter);
	t.deepEqual(form.outcome(), {value: true});
	form.unmount();
});

test('esc cancels a form or a yes/no question with a cancelled MonarchError, so the job writes nothing', async t => {
	const form = ask({kind: 'text', question: {key: 'accountId', message: 'Account id?'}, resolve() {}, reject() {}});
	await waitForText(form.lastFrame, 'Account id?');
	await type(form, '42');
	await press(form, keys.escape);
	await waitForText(() => (form.settled() ? 'settled' : ''), 'settled');
	const {error} = form.outcome();
	t.true(error instanceof MonarchError);
	t.is((error as MonarchError).code, 'cancelled');
	t.regex((error as MonarchError).message, /nothing was changed/);
	form.unmount();

	const question = ask({kind: 'confirm', question: {key: 'go', message: 'Run it?', default: true}, resolve() {}, reject() {}});
	await waitForText(question.lastFrame, 'Run it?');
	await press(question, keys.escape);
	await waitForText(() => (question.settled() ? 'settled' : ''), 'settled');
	t.is((question.outcome().error as MonarchError).code, 'cancelled');
	question.unmount();
});

test('a modal shows a failure, scrolls a long stack with j, and closes on esc', async t => {
	let closed = false;
	const lines = ['Migration x failed: boom', '', ...Array.from({length: 30}, (_, index) => `    at frame${index} (x.ts:${index}:1)`)];
	const modal = render(
		<Modal title="Failed: Migrate development" tone="error" lines={lines} width={70} height={12} onClose={() => (closed = true)} />,
	);
	await waitForText(modal.lastFrame, 'Failed: Migrate development');
	t.true(modal.lastFrame()!.includes('Migration x failed: boom'));
	t.false(modal.lastFrame()!.includes('frame10 '));
	for (let index = 0; index < 8; index += 1) await press(modal, 'j');
	await waitForText(modal.lastFrame, 'frame10 ');
	t.false(modal.lastFrame()!.includes('Migration x failed'));
	await press(modal, keys.escape);
	t.is(await waitForText(() => (closed ? 'closed' : ''), 'closed'), 'closed');
	modal.unmount();
});

test('the help overlay lists the keymap by section', async t => {
	const help = render(<HelpOverlay width={80} height={100} onClose={() => {}} />);
	const frame = await waitForText(help.lastFrame, 'Everywhere');
	t.regex(frame, /\?\s+show or hide this help/);
	t.regex(frame, /1-4\s+go to a panel by its number/);
	t.regex(frame, /esc\/enter\/q\s+close a finished job/);
	t.regex(frame, /Pick lists[\s\S]*1-9\s+pick the choice shown with that number/);
	t.regex(frame, /Environments panel/);
	help.unmount();
});

test('the footer shows the focused scope hints and keeps pinned ones when the line is short', t => {
	const footer = render(
		<Footer
			hints={hintsFor(['migrations', 'list'])}
			pinned={[
				{label: '?', hint: 'help'},
				{label: 'q', hint: 'quit'},
			]}
			width={50}
		/>,
	);
	const frame = footer.lastFrame()!;
	t.true(frame.includes('? help'));
	t.true(frame.includes('q quit'));
	t.true(frame.includes('→/l env'));
	t.false(frame.includes('filter'));
	footer.unmount();
});

test('the tab row and the status bar: protected environments stand out, connection state and latency show', t => {
	const tabs = render(
		<TabRow
			titles={[
				{title: 'Environments', available: true},
				{title: 'Migrations', available: true},
				{title: 'Backups', available: false},
				{title: 'QuerySets', available: false},
			]}
			active={1}
		/>,
	);
	t.is(tabs.lastFrame()!.trim(), '1 Environments   2 Migrations   3 Backups   4 QuerySets');
	tabs.unmount();
	const checkedAt = new Date('2026-03-01T09:30:00Z');
	const production = makeEnvironment({name: 'production', uri: 'mongodb://app:s3cret@db.example.com:27017', database: 'shop'});
	const down = render(
		<StatusBar
			environment={production}
			status={{checking: false, environment: 'production', reachable: false, error: 'timeout', checkedAt: checkedAt}}
			width={80}
		/>,
	);
	t.regex(down.lastFrame()!, /production\s+protected shop\s+● unreachable/);
	t.false(down.lastFrame()!.includes('s3cret'));
	down.unmount();
	const development = makeEnvironment({name: 'development', uri: 'mongodb://127.0.0.1:27017', database: 'shop_dev'});
	const up = render(
		<StatusBar
			environment={development}
			status={{
				checking: false,
				environment: 'development',
				reachable: true,
				latencyMs: 2.4,
				collections: 3,
				dataSize: 2048,
				checkedAt: checkedAt,
			}}
			width={80}
		/>,
	);
	t.regex(up.lastFrame()!, /development\s+shop_dev\s+● connected 2 ms\s+3 collections, 2\.0 KiB/);
	up.unmount();
	const abandonedScratch = [
		{
			database: 'shop_rehearsal_20260301_093000',
			owner: {user: 'ci', host: 'build-1', pid: 4242},
			reason: 'gone' as const,
			expiredAt: checkedAt,
		},
	];
	const left = render(
		<StatusBar
			environment={development}
			status={{
				checking: false,
				environment: 'development',
				reachable: true,
				latencyMs: 2.4,
				collections: 3,
				dataSize: 2048,
				abandonedScratch,
				checkedAt: checkedAt,
			}}
			width={100}
		/>,
	);
	t.regex(left.lastFrame()!, /development\s+shop_dev\s+● connected 2 ms, 1 abandoned scratch database\s+3 collections/);
	left.unmount();
});

test('the job view draws the overall bar, a bar per task with rate and ETA, and keeps finished lines', t => {
	// Fixed times: "elapsed" is what the view computes from them, not what the clock did meanwhile.
	const startedAt = Date.parse('2026-03-01T09:30:00Z');
	let job = initialJobState('Migrate development', 2, startedAt);
	job = jobReducer(job, {type: 'event', event: {type: 'migration:start', key: '20261101_add_dogs', environment: 'development'}});
	job = jobReducer(job, {type: 'event', event: {type: 'log', level: 'info', message: 'inserted 10 dogs', source: '20261101_add_dogs'}});
	job = jobReducer(job, {
		type: 'progress',
		snapshot: {task: '20261101_add_dogs', unit: 'docs', done: 25, total: 50, rate: 12.4, etaSeconds: 2, elapsedMs: 2000, fraction: 0.5},
	});
	const running = render(<JobView job={job} width={80} height={12} now={startedAt + 2500} />);
	const frame = running.lastFrame()!;
	t.regex(frame, /Migrate development running\s+elapsed 2\.5 s\n/);
	t.regex(frame, /overall\s+█+░+\s+25% 0\/2/);
	t.regex(frame, /20261101_add_dogs\s+█+░+\s+50% 25\/50 docs\s+12 docs\/s\s+ETA 2\.0 s/);
	t.regex(frame, /▶ 20261101_add_dogs\n\s+20261101_add_dogs │ inserted 10 dogs/);
	running.unmount();
	job = jobReducer(job, {
		type: 'event',
		event: {type: 'migration:end', key: '20261101_add_dogs', environment: 'development', state: 'Completed', durationMs: 31},
	});
	job = jobReducer(job, {type: 'succeeded', summary: 'Ran 1 migration on development in 31 ms', now: startedAt + 3200});
	const done = render(<JobView job={job} width={80} height={12} now={startedAt + 60_000} />);
	t.regex(done.lastFrame()!, /Migrate development done\s+elapsed 3\.2 s\n/);
	t.regex(done.lastFrame()!, /✔ 20261101_add_dogs \(31 ms\)\n■ Ran 1 migration on development in 31 ms/);
	t.true(done.lastFrame()!.includes('inserted 10 dogs'));
	done.unmount();
});

test('the job view shows a task without a meaningful sample as counts only, and leaves the wait at a form out of elapsed', t => {
	const startedAt = Date.parse('2026-03-01T09:30:00Z');
	let job = initialJobState('Back up development', undefined, startedAt);
	job = jobReducer(job, {type: 'question-opened', now: startedAt + 1000});
	job = jobReducer(job, {type: 'question-closed', now: startedAt + 61_000});
	job = jobReducer(job, {
		type: 'progress',
		snapshot: {
			task: 'backup development: dogs',
			unit: 'docs',
			done: 1000,
			total: 5000,
			rate: undefined,
			etaSeconds: undefined,
			elapsedMs: 0,
			fraction: 0.2,
		},
	});
	const view = render(<JobView job={job} width={100} height={12} now={startedAt + 63_000} />);
	const frame = view.lastFrame()!;
	t.regex(frame, /Back up development running\s+elapsed 3\.0 s\n/);
	t.regex(frame, /backup development: dogs\s+█+░+\s+20% 1000\/5000 docs\n/);
	t.false(frame.includes('docs/s'));
	t.false(frame.includes('ETA'));
	view.unmount();
});
