/**
 * The insert pool's admission window on its own, without threads or
 * servers: the count bound (two batches per worker, four on the main
 * thread), the byte bound (`maxBytes`, which a lone batch may exceed),
 * first come first served, `room()` and `idle()`.
 */
import test from 'ava';
import {AdmissionWindow, defaultMaxBytes} from '../source/core/restore/admission-window.js';

/** Lets every pending promise callback run (no clock involved). */
async function settle(): Promise<void> {
	await new Promise(resolve => {
		setImmediate(resolve);
	});
}

/** Whether `promise` has settled yet, observed without waiting for it. */
function watch(promise: Promise<void> | undefined): {done: () => boolean} {
	let done = promise === undefined;
	void promise?.then(() => {
		done = true;
	});
	return {done: () => done};
}

test('the count bound: two batches per worker, four on the main thread; a third waits until one settles', async t => {
	t.is(new AdmissionWindow({workers: 3}).maxBatches, 6);
	t.is(new AdmissionWindow({workers: 0}).maxBatches, 4);
	t.is(new AdmissionWindow({workers: 1}).maxBytes, defaultMaxBytes);
	t.is(defaultMaxBytes, 32 * 1024 * 1024);

	const window = new AdmissionWindow({workers: 1});
	t.is(window.admit(10), undefined);
	t.is(window.admit(10), undefined);
	t.is(window.inFlight, 2);
	const room = watch(window.room());
	const third = watch(window.admit(10));
	await settle();
	t.false(third.done());
	t.false(room.done());
	t.is(window.inFlight, 2);

	window.release(10);
	await settle();
	t.true(third.done());
	t.is(window.inFlight, 2);
	t.is(window.inFlightBytes, 20);
	// Full again: room waits for the next release.
	t.false(room.done());
	window.release(10);
	await settle();
	t.true(room.done());
});

test('the byte bound: a batch that would pass maxBytes waits, though the count bound has room', async t => {
	const window = new AdmissionWindow({workers: 4, maxBytes: 100});
	t.is(window.maxBatches, 8);
	t.is(window.admit(60), undefined);
	t.is(window.admit(40), undefined, 'exactly maxBytes in flight is within the bound');
	const over = watch(window.admit(1));
	await settle();
	t.false(over.done());
	t.is(window.inFlight, 2);
	t.is(window.inFlightBytes, 100);

	window.release(40);
	await settle();
	t.true(over.done());
	t.is(window.inFlightBytes, 61);
});

test('a lone batch always passes, however large; the next one waits until it settled', async t => {
	const window = new AdmissionWindow({workers: 2, maxBytes: 100});
	t.is(window.admit(1000), undefined);
	t.is(window.inFlightBytes, 1000);
	const room = watch(window.room());
	const small = watch(window.admit(1));
	await settle();
	t.false(small.done());
	t.false(room.done());

	window.release(1000);
	await settle();
	t.true(small.done());
	t.true(room.done());
	t.is(window.inFlightBytes, 1);
});

test('first come first served: a small batch does not overtake a large one that waits', async t => {
	const window = new AdmissionWindow({workers: 4, maxBytes: 100});
	t.is(window.admit(90), undefined);
	const large = watch(window.admit(50));
	const small = watch(window.admit(5));
	await settle();
	t.false(large.done());
	t.false(small.done(), 'it would fit, but a batch waits before it');

	window.release(90);
	await settle();
	t.true(large.done());
	t.true(small.done());
	t.is(window.inFlightBytes, 55);
});

test('room() waits while the bytes in flight reach maxBytes, and resolves once they are under it', async t => {
	const window = new AdmissionWindow({workers: 4, maxBytes: 100});
	t.is(window.admit(100), undefined);
	const room = watch(window.room());
	await settle();
	t.false(room.done());
	window.release(100);
	await settle();
	t.true(room.done());
	const again = watch(window.room());
	await settle();
	t.true(again.done());
});

test('idle() resolves once nothing is in flight; refuseWaiting rejects the waiting batches and wakes room()', async t => {
	const window = new AdmissionWindow({workers: 1, maxBytes: 100});
	t.is(window.admit(100), undefined);
	const idle = watch(window.idle());
	const waiting = window.admit(10)!;
	const room = watch(window.room());
	window.refuseWaiting(new Error('stopped'));
	await t.throwsAsync(waiting, {message: 'stopped'});
	await settle();
	t.true(room.done());
	t.false(idle.done());
	window.release(100);
	await settle();
	t.true(idle.done());
	t.is(window.inFlight, 0);
});

test('once the pool stopped, room() resolves at once', t => {
	let stopped = false;
	const window = new AdmissionWindow({workers: 1, maxBytes: 10, stopped: () => stopped});
	t.is(window.admit(10), undefined);
	t.false(watch(window.room()).done());
	stopped = true;
	// An async function's promise never settles synchronously; what counts is that it does not wait for a release.
	return window.room().then(() => {
		t.is(window.inFlight, 1);
	});
});
