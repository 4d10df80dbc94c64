/**
 * The storage contract (source/core/storage/contract.ts), checked the same way
 * against every store, as umzug's verifyUmzugStorage checks every storage:
 * the local folder and S3 (versitygw). Store-specific behaviour (multipart
 * uploads, pagination, temporary files) stays in storage-local.test.ts and
 * storage-s3.test.ts.
 */
import {createHash, randomBytes} from 'node:crypto';
import {mkdir, mkdtemp, readdir, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {Readable} from 'node:stream';
import {setTimeout as delay} from 'node:timers/promises';
import {ListMultipartUploadsCommand, ListObjectsV2Command, PutObjectCommand} from '@aws-sdk/client-s3';
import test, {type ExecutionContext} from 'ava';
import {MonarchError} from '../source/core/errors.js';
import type {BackupStore} from '../source/core/storage/contract.js';
import {createLocalStore} from '../source/core/storage/local.js';
import {NameTakenError} from '../source/core/storage/name-taken.js';
import {createS3Store} from '../source/core/storage/s3.js';
import {s3Config, withBucketPrefix} from './helpers/servers.js';

const mebibyte = 1024 * 1024;

type Subject = {
	store: BackupStore;
	/** Puts objects that are not this store's backups where a careless listing would find them. */
	plantForeign: () => Promise<void>;
	/** Everything the store holds on disk or on the server, hidden or pending parts included. */
	raw: () => Promise<string[]>;
};

async function localSubject(t: ExecutionContext): Promise<Subject> {
	const dir = await mkdtemp(path.join(tmpdir(), 'monarch-contract-'));
	t.teardown(async () => rm(dir, {recursive: true, force: true}));
	const store = createLocalStore(path.join(dir, 'backups'), 'backups');
	return {
		store,
		async plantForeign() {
			await mkdir(path.join(dir, 'backups', 'nested'), {recursive: true});
			await writeFile(path.join(dir, 'backups', 'nested', 'x.archive.gz'), 'x');
			await writeFile(path.join(dir, 'backups', '.hidden.archive.gz'), 'h');
			await writeFile(path.join(dir, 'beside.archive.gz'), 'b');
		},
		async raw() {
			const names = await readdir(path.join(dir, 'backups')).catch(() => []);
			return names.filter(name => name !== 'nested' && name !== '.hidden.archive.gz').sort();
		},
	};
}

async function s3Subject(t: ExecutionContext): Promise<Subject> {
	const {client, bucket, prefix} = await withBucketPrefix(t);
	const server = s3Config();
	const sibling = `${prefix.slice(0, -1)}x/`;
	const store = createS3Store({...server, prefix}, {partSize: 5 * mebibyte, queueSize: 2});
	return {
		store,
		async plantForeign() {
			t.teardown(async () => createS3Store({...server, prefix: sibling}).delete('y.archive.gz'));
			await client.send(new PutObjectCommand({Bucket: bucket, Key: `${prefix}nested/x.archive.gz`, Body: 'x'}));
			await client.send(new PutObjectCommand({Bucket: bucket, Key: `${prefix}.hidden.archive.gz`, Body: 'h'}));
			await client.send(new PutObjectCommand({Bucket: bucket, Key: `${sibling}y.archive.gz`, Body: 'y'}));
		},
		async raw() {
			const objects = await client.send(new ListObjectsV2Command({Bucket: bucket, Prefix: prefix}));
			const uploads = await client.send(new ListMultipartUploadsCommand({Bucket: bucket, Prefix: prefix}));
			const keys = (objects.Contents ?? []).map(object => object.Key!.slice(prefix.length));
			const pending = (uploads.Uploads ?? []).map(upload => `pending upload of ${upload.Key!.slice(prefix.length)}`);
			return [...keys, ...pending].filter(name => !name.startsWith('nested/') && name !== '.hidden.archive.gz').sort();
		},
	};
}

async function readAll(stream: Readable): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

const sha256 = (buffer: Buffer) => createHash('sha256').update(buffer).digest('hex');
const bytes = (text: string) => Readable.from([Buffer.from(text)]);

/** `megabytes` MiB, then waits for `then()` (the write is in flight), then 2 MiB more. */
function pausingSource(megabytes: number, then: () => Promise<unknown>): Readable & {read_: () => number} {
	let produced = 0;
	const stream = Readable.from(
		(async function* () {
			for (let index = 0; index < megabytes; index++) {
				produced++;
				yield randomBytes(mebibyte);
			}

			await then();
			for (let index = 0; index < 2; index++) {
				produced++;
				yield randomBytes(mebibyte);
			}
		})(),
	) as Readable & {read_: () => number};
	stream.read_ = () => produced;
	return stream;
}

for (const [kind, open] of [
	['local', localSubject],
	['S3', s3Subject],
] as const) {
	test(`contract (${kind}): write, read, list, exists and delete`, async t => {
		const {store, raw} = await open(t);
		t.deepEqual(await store.list(), []);
		const data = randomBytes(3 * mebibyte + 17);
		t.deepEqual(await store.write('shop__2026_11_23.archive.gz', Readable.from([data.subarray(0, 1000), data.subarray(1000)])), {
			size: data.length,
		});
		t.deepEqual(await store.write('shop__2026_11_23.archive.gz.manifest.json', bytes('{}\n')), {size: 3});
		t.is(sha256(await readAll(await store.read('shop__2026_11_23.archive.gz'))), sha256(data));
		t.is((await readAll(await store.read('shop__2026_11_23.archive.gz.manifest.json'))).toString(), '{}\n');
		const listed = (await store.list()).sort((a, b) => a.name.localeCompare(b.name));
		t.deepEqual(
			listed.map(object => [object.name, object.size]),
			[
				['shop__2026_11_23.archive.gz', data.length],
				['shop__2026_11_23.archive.gz.manifest.json', 3],
			],
		);
		t.true(listed.every(object => object.modifiedAt instanceof Date && !Number.isNaN(object.modifiedAt.getTime())));
		t.true(await store.exists('shop__2026_11_23.archive.gz'));
		t.false(await store.exists('shop__2026_11_24.archive.gz'));

		await store.delete('shop__2026_11_23.archive.gz');
		t.false(await store.exists('shop__2026_11_23.archive.gz'));
		await store.delete('shop__2026_11_23.archive.gz'); // Deleting what is gone is not an error.
		t.deepEqual(await raw(), ['shop__2026_11_23.archive.gz.manifest.json']);
	});

	test(`contract (${kind}): a write to an existing name is refused before its body is read, and the object is untouched`, async t => {
		const {store, raw} = await open(t);
		await store.write('shop__2026_11_23.archive.gz', bytes('the first'));
		const body = pausingSource(1, async () => {});
		const error = await t.throwsAsync(store.write('shop__2026_11_23.archive.gz', body), {instanceOf: NameTakenError});
		t.is(error.code, 'usage');
		t.is(error.objectName, 'shop__2026_11_23.archive.gz');
		t.is(error.message, `shop__2026_11_23.archive.gz already exists in ${store.description}; nothing was overwritten`);
		t.is(body.read_(), 0, 'not a byte was read');
		t.true(body.destroyed);
		t.is((await readAll(await store.read('shop__2026_11_23.archive.gz'))).toString(), 'the first');
		t.deepEqual(await raw(), ['shop__2026_11_23.archive.gz']);
	});

	test(`contract (${kind}): a name stored by another writer while a write is in flight is refused at the end; the other's object stays`, async t => {
		const {store, raw} = await open(t);
		// 6 MiB makes the S3 write a multipart upload (5 MiB parts): refused at CompleteMultipartUpload.
		const body = pausingSource(6, async () => {
			await store.write('shop__2026_11_23.archive.gz', bytes('the other backup'));
		});
		const error = await t.throwsAsync(store.write('shop__2026_11_23.archive.gz', body), {instanceOf: NameTakenError});
		t.regex(
			error.message,
			/^shop__2026_11_23\.archive\.gz was written to .* by another backup at the same moment; this one was not kept and nothing was overwritten$/,
		);
		t.is((await readAll(await store.read('shop__2026_11_23.archive.gz'))).toString(), 'the other backup');
		t.deepEqual(await raw(), ['shop__2026_11_23.archive.gz'], 'no temporary file, no pending upload');
	});

	test(`contract (${kind}): of eight simultaneous writes of one name, one that succeeded is stored whole and the others are refused`, async t => {
		const {store, raw} = await open(t);
		const bodies = Array.from({length: 8}, (_, index) => Buffer.from(`writer ${index} `.repeat(1000)));
		const results = await Promise.allSettled(bodies.map(async body => store.write('race.archive.gz', Readable.from([body]))));
		const stored = (await readAll(await store.read('race.archive.gz'))).toString();
		const winners = results.flatMap((result, index) => (result.status === 'fulfilled' ? [index] : []));
		t.true(
			winners.some(index => bodies[index]!.toString() === stored),
			'the bytes stored are those of a write that succeeded',
		);
		if (kind === 'local') {
			t.is(winners.length, 1, 'exactly one write succeeded');
		} else {
			// versitygw v1.7.0 checks If-None-Match racily: two writes landing within one
			// round trip can both pass (measured: 2 of 150 rounds of eight 1 MB writers,
			// 0 of 150 with 9 KB); AWS S3 enforces it atomically. Never all of them.
			t.true(winners.length < bodies.length, `${winners.length} of ${bodies.length} writes succeeded`);
		}

		for (const result of results) if (result.status === 'rejected') t.true(result.reason instanceof NameTakenError, String(result.reason));
		t.deepEqual(await raw(), ['race.archive.gz']);
	});

	test(`contract (${kind}): a write whose source fails, or that is aborted, leaves nothing`, async t => {
		const {store, raw} = await open(t);
		const failing = pausingSource(6, async () => {
			throw new Error('the dump failed half-way');
		});
		await t.throwsAsync(store.write('broken.archive.gz', failing), {message: 'the dump failed half-way'});

		const controller = new AbortController();
		const aborted = pausingSource(6, async () => {
			controller.abort();
			await delay(0);
		});
		const cancelled = await t.throwsAsync(store.write('aborted.archive.gz', aborted, controller.signal), {instanceOf: MonarchError});
		t.is(cancelled.code, 'cancelled');
		t.regex(cancelled.message, /Cancelled writing aborted\.archive\.gz to .* \(nothing was kept\)/);
		const before = new AbortController();
		before.abort();
		t.is((await t.throwsAsync(store.write('never.archive.gz', bytes('x'), before.signal), {instanceOf: MonarchError})).code, 'cancelled');

		t.deepEqual(await store.list(), []);
		t.false(await store.exists('broken.archive.gz'));
		t.false(await store.exists('aborted.archive.gz'));
		t.deepEqual(await raw(), []);
	});

	test(`contract (${kind}): a write in progress is pending under its name until it ends; aborting it fails the write and leaves nothing`, async t => {
		const {store, raw} = await open(t);
		t.deepEqual(await store.pending(), []);
		let seen: Awaited<ReturnType<BackupStore['pending']>> = [];
		// 6 MiB: on S3 the first 5 MiB part is uploaded while the source waits.
		const body = pausingSource(6, async () => {
			// Until the write holds bytes (on S3, the upload exists before its first part is in).
			const holding = () => (seen[0]?.size ?? 0) > 0;
			for (let attempt = 0; attempt < 600 && !holding(); attempt++) {
				seen = await store.pending();
				if (!holding()) await delay(50);
			}

			await store.abortPending(seen[0]!);
		});
		const written = store.write('running.archive.gz', body);
		await t.throwsAsync(written);
		t.is(seen.length, 1);
		t.is(seen[0]!.name, 'running.archive.gz');
		t.true(seen[0]!.size > 0, 'bytes held so far');
		t.true(seen[0]!.lastActivity instanceof Date);
		t.deepEqual(await store.pending(), []);
		t.false(await store.exists('running.archive.gz'));
		t.deepEqual(await raw(), []);
	});

	test(`contract (${kind}): listing keeps to the store's own flat, visible names`, async t => {
		const {store, plantForeign} = await open(t);
		await plantForeign();
		await store.write('a.archive.gz', bytes('a'));
		await store.write('b.archive.gz', bytes('bb'));
		t.deepEqual((await store.list()).map(object => [object.name, object.size]).sort(), [
			['a.archive.gz', 1],
			['b.archive.gz', 2],
		]);
	});

	test(`contract (${kind}): reading a missing object is not-found; names with /, .. or a leading dot are refused and nothing is written`, async t => {
		const {store, raw} = await open(t);
		const missing = await t.throwsAsync(store.read('nothing.archive.gz'), {instanceOf: MonarchError});
		t.is(missing.code, 'not-found');
		t.regex(missing.message, /^No backup object nothing\.archive\.gz in /);
		for (const name of ['../escape.archive.gz', 'a/b.archive.gz', '.hidden.archive.gz', 'a\\b.archive.gz', '']) {
			const refused = await t.throwsAsync(store.write(name, bytes('x')), {instanceOf: MonarchError}, name);
			t.is(refused.code, 'usage');
			t.is((await t.throwsAsync(store.read(name), {instanceOf: MonarchError})).code, 'usage');
		}

		t.deepEqual(await raw(), []);
	});
}
