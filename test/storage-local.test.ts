import {createHash, randomBytes} from 'node:crypto';
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

async function readAll(stream: Readable): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

const sha256 = (buffer: Buffer) => createHash('sha256').update(buffer).digest('hex');

/** `megabytes` MiB of random data, then `then()` while the write is in flight, then more data. */
function slowSource(megabytes: number, then: () => unknown): Readable {
	return Readable.from(
		(async function * () {
			for (let index = 0; index < megabytes; index++) yield randomBytes(mebibyte);
			await then();
			for (let index = 0; index < 50; index++) {
				await delay(10);
				yield randomBytes(mebibyte);
			}
		})(),
	);
}

test('local store: 5 MB written and read back byte for byte, into a folder it creates', async t => {
	const root = await tempDir(t);
	const dir = path.join(root, 'backups');
	const store = createLocalStore(dir, 'backups');
	t.is(store.location, 'local');
	t.is(store.description, 'backups/');

	const data = randomBytes(5 * mebibyte);
	t.deepEqual(await store.write('shop__2026_11_23.archive.gz', Readable.from([data.subarray(0, 1000), data.subarray(1000)])), {size: data.length});
	t.is(sha256(await readAll(await store.read('shop__2026_11_23.archive.gz'))), sha256(data));
	t.deepEqual(await readdir(dir), ['shop__2026_11_23.archive.gz']);
	t.deepEqual(
		(await store.list()).map(object => [object.name, object.size]),
		[['shop__2026_11_23.archive.gz', data.length]],
	);
	t.true(await store.exists('shop__2026_11_23.archive.gz'));
	await store.delete('shop__2026_11_23.archive.gz');
	t.deepEqual(await store.list(), []);
});

test('local store: a write aborted through its AbortSignal leaves no file and no temporary file', async t => {
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

test('local store: a write whose source fails leaves nothing, and an existing backup of that name untouched', async t => {
	const dir = await tempDir(t);
	const store = createLocalStore(dir);
	await store.write('shop__2026_11_23.archive.gz', Readable.from([Buffer.from('the good one')]));
	const body = slowSource(2, () => {
		throw new Error('the dump failed half-way');
	});
	await t.throwsAsync(store.write('shop__2026_11_23.archive.gz', body), {message: 'the dump failed half-way'});
	t.deepEqual(await readdir(dir), ['shop__2026_11_23.archive.gz']);
	t.is((await readAll(await store.read('shop__2026_11_23.archive.gz'))).toString(), 'the good one');
});

test('local store: reading a missing object is not-found, and names with / or .. are refused', async t => {
	const dir = await tempDir(t);
	const store = createLocalStore(dir, 'backups');
	const missing = await t.throwsAsync(store.read('nothing.archive.gz'), {instanceOf: MonarchError});
	t.is(missing?.code, 'not-found');
	t.regex(missing!.message, /nothing\.archive\.gz in backups/);
	for (const name of ['../escape.archive.gz', 'a/b.archive.gz', '.hidden.archive.gz', 'a\\b.archive.gz', '']) {
		const refused = await t.throwsAsync(store.write(name, Readable.from([Buffer.from('x')])), {instanceOf: MonarchError}, name);
		t.is(refused?.code, 'usage');
	}

	t.deepEqual(await readdir(dir), []);
	t.deepEqual(await readdir(path.dirname(dir)).then(names => names.includes('escape.archive.gz')), false);
});

test('a local write never replaces an existing object of the same name', async t => {
	const dir = await tempDir(t);
	const store = createLocalStore(dir);
	await store.write('shop__2026_11_23.archive.gz', Readable.from([Buffer.from('first')]));
	const error = await t.throwsAsync(store.write('shop__2026_11_23.archive.gz', Readable.from([Buffer.from('second')])), {instanceOf: MonarchError});
	t.regex(error.message, /shop__2026_11_23\.archive\.gz already exists in .*; nothing was overwritten/);
	t.is((await readAll(await store.read('shop__2026_11_23.archive.gz'))).toString(), 'first');
	t.deepEqual(await readdir(dir), ['shop__2026_11_23.archive.gz']);
});
