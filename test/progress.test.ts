import test from 'ava';
import {createEventPrinter, describeProgress} from '../source/cli/event-printer.js';
import {createProgressMeter, meaningfulSample} from '../source/core/progress.js';

/** A clock a test sets by hand (ms). */
function fixedClock(start = 1_000_000) {
	let time = start;
	return {
		now: () => time,
		set: (ms: number) => {
			time = start + ms;
		},
	};
}

/** A non-terminal stream that keeps what is written. */
function captureStream() {
	const chunks: string[] = [];
	const stream = {isTTY: false, write: (chunk: string) => chunks.push(chunk) > 0} as unknown as NodeJS.WriteStream;
	return {stream, lines: () => chunks.join('').split('\n').filter(Boolean)};
}

test('the first batch shows counts only: no rate, no ETA, no elapsed', t => {
	const clock = fixedClock();
	const meter = createProgressMeter(clock.now);
	clock.set(0);
	const first = meter.update(1000, 5000);
	t.is(first.rate, undefined);
	t.is(first.etaSeconds, undefined);
	t.is(describeProgress(first, 'docs'), '1000/5000 20%');
	clock.set(1);
	t.is(meter.update(2000, 5000).rate, undefined, 'two updates 1 ms apart are not a sample');
});

test('a 40-document job done in a few ms never shows a rate or an ETA', t => {
	const clock = fixedClock();
	const meter = createProgressMeter(clock.now);
	clock.set(0);
	meter.update(20, 40);
	clock.set(1);
	const last = meter.update(40, 40);
	t.is(last.rate, undefined);
	t.is(last.etaSeconds, undefined);
	t.is(describeProgress(last, 'docs'), '40/40 100%');
});

test('a steady load shows its rate and ETA once the sample spans the minimum, and no ETA once done', t => {
	const clock = fixedClock();
	const meter = createProgressMeter(clock.now);
	let snapshot = meter.update(0, 10_000);
	// 100 docs every 100 ms: 1000 docs/s.
	for (let step = 1; step * 100 < meaningfulSample.minSpanMs; step++) {
		clock.set(step * 100);
		snapshot = meter.update(step * 100, 10_000);
		t.is(snapshot.rate, undefined, `at ${step * 100} ms`);
	}

	clock.set(meaningfulSample.minSpanMs);
	snapshot = meter.update(meaningfulSample.minSpanMs, 10_000);
	t.is(Math.round(snapshot.rate!), 1000);
	t.is(Math.round(snapshot.etaSeconds!), 9);
	t.is(describeProgress(snapshot, 'docs'), '1000/10000 10% 1000 docs/s ETA 9.0 s elapsed 1.0 s');
	clock.set(10_000);
	snapshot = meter.update(10_000, 10_000);
	t.is(Math.round(snapshot.rate!), 1000);
	t.is(snapshot.etaSeconds, undefined);
});

test('a burst of batches a few ms apart does not make the rate jump', t => {
	const clock = fixedClock();
	const meter = createProgressMeter(clock.now);
	// Three batches of 1000 within 2 ms (the driver had them ready), then 1000 docs a second.
	for (const [ms, done] of [
		[0, 1000],
		[1, 2000],
		[2, 3000],
	] as const) {
		clock.set(ms);
		meter.update(done, 100_000);
	}

	let snapshot;
	for (let second = 1; second <= 3; second++) {
		clock.set(second * 1000);
		snapshot = meter.update(3000 + second * 1000, 100_000);
	}

	// The fastest step of at least stepMs ran at 3000 docs/s (the burst inside its first second); measured over 1 ms, the burst would have read as 1,000,000.
	t.true(snapshot!.rate! >= 1000 && snapshot!.rate! <= 3000, String(snapshot!.rate));
});

test('the CLI prints counts first, then rate, ETA and elapsed; a finished task always gets its line', t => {
	const clock = fixedClock();
	const {stream, lines} = captureStream();
	const printer = createEventPrinter({stream, now: clock.now, plainIntervalMs: 0});
	clock.set(5);
	printer({type: 'progress', task: 'restore development: dogs', done: 1000, total: 3000, unit: 'docs'});
	clock.set(1005);
	printer({type: 'progress', task: 'restore development: dogs', done: 2000, total: 3000, unit: 'docs'});
	clock.set(1006);
	printer({type: 'progress', task: 'restore development: cats', done: 40, total: 40, unit: 'docs'});
	t.deepEqual(lines(), [
		'  restore development: dogs 1000/3000 33%',
		'  restore development: dogs 2000/3000 66% 1000 docs/s ETA 1.0 s elapsed 1.0 s',
		'  restore development: cats 40/40 100%',
	]);
});
