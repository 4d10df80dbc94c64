// What every store does is checked in storage-contract.test.ts; here, what only the local folder does.
import {randomBytes} from 'node:crypto';
import {mkdtemp, readdir, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {Readable} from 'node:stream';
import {setTimeout as delay} from 'node:timers/promises';
import test, {type ExecutionContext} from 'ava';
import {MonarchError} from '../source/core/errors.js';
import {createLocalStore} from '../source/core/storage/local.js';

const mebibyte = 1024 * 1024;

async function tempDir(t: ExecutionContext): Promise<string> {
	const dir = await mkdtemp(path.join(tmpdir(), 'monarch-store-'));
	t.teardown(async () => rm(dir, {recursive: true, force: true}));
	return dir;
}

/** `megabytes` MiB of random data, then `then()` while the write is in flight, then more data. */
function slowSource(megabytes: number, then: () => unknown): Readable {
	return Readable.from(
		(async function* () {
			for (let index = 0; index < megabytes; index++) yield randomBytes(mebibyte);
			await then();
			for (let index = 0; index < 50; index++) {
				await delay(10);
				yield randomBytes(mebibyte);
			}
		})(),
	);
}

test('local store: a write in flight goes to a hidden temporary file that list() never shows, removed when it is aborted', async t => {
	const dir = await tempDir(t);
	const store = createLocalStore(dir);
	const controller = new AbortController();
	let inFlight: string[] = [];
	let listedInFlight: string[] = [];
	const body = slowSource(3, async () => {
		inFlight = await readdir(dir);
		listedInFlight = (await store.list()).map(object => object.name);
		controller.abort();
	});
	const error = await t.throwsAsync(store.write('aborted.archive.gz', body, controller.signal));
	t.true(error instanceof MonarchError && error.code === 'cancelled');
	// While in flight the bytes went to a hidden temporary file that list() never shows.
	t.is(inFlight.length, 1);
	t.regex(inFlight[0] ?? '', /^\.partial-[0-9a-f]+-aborted\.archive\.gz$/);
	t.deepEqual(listedInFlight, []);
	t.deepEqual(await readdir(dir), []);
	t.deepEqual(await store.list(), []);
	t.false(await store.exists('aborted.archive.gz'));
});
