import {createHash, randomBytes} from 'node:crypto';
import {Readable} from 'node:stream';
import {setTimeout as delay} from 'node:timers/promises';
import {
	CompleteMultipartUploadCommand,
	CreateMultipartUploadCommand,
	DeleteObjectCommand,
	GetObjectCommand,
	HeadObjectCommand,
	ListMultipartUploadsCommand,
	ListObjectsV2Command,
	ListPartsCommand,
	PutObjectCommand,
	type S3Client,
	S3ServiceException,
	UploadPartCommand,
} from '@aws-sdk/client-s3';
import test, {type ExecutionContext} from 'ava';
import type {S3BackupsConfig} from '../source/core/config/schema.js';
import {MonarchError} from '../source/core/errors.js';
import {NameTakenError} from '../source/core/storage/name-taken.js';
import {createS3Client, createS3Store} from '../source/core/storage/s3.js';
import {s3Config, withBucketPrefix} from './helpers/servers.js';

// What every store does is checked in storage-contract.test.ts; here, what only S3 does.
const mebibyte = 1024 * 1024;

function backupsConfig(prefix: string, overrides: Partial<S3BackupsConfig> = {}): S3BackupsConfig {
	const server = s3Config();
	return {
		bucket: server.bucket,
		prefix,
		region: server.region,
		endpoint: server.endpoint,
		forcePathStyle: true,
		accessKeyId: server.accessKeyId,
		secretAccessKey: server.secretAccessKey,
		...overrides,
	};
}

async function readAll(stream: Readable): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

const sha256 = (buffer: Buffer) => createHash('sha256').update(buffer).digest('hex');

/** Keys under the prefix, and multipart uploads still pending there, straight from the server. */
async function leftovers(client: S3Client, bucket: string, prefix: string) {
	const objects = await client.send(new ListObjectsV2Command({Bucket: bucket, Prefix: prefix}));
	const uploads = await client.send(new ListMultipartUploadsCommand({Bucket: bucket, Prefix: prefix}));
	return {
		objects: (objects.Contents ?? []).map(object => object.Key),
		uploads: (uploads.Uploads ?? []).map(upload => upload.Key),
	};
}

/** Waits until the server holds at least `parts` uploaded parts of a pending multipart upload of `key`. */
async function waitForParts(client: S3Client, bucket: string, key: string, parts: number): Promise<number> {
	for (let attempt = 0; attempt < 600; attempt++) {
		const uploads = await client.send(new ListMultipartUploadsCommand({Bucket: bucket, Prefix: key}));
		const upload = uploads.Uploads?.find(candidate => candidate.Key === key);
		if (upload?.UploadId) {
			const listed = await client.send(new ListPartsCommand({Bucket: bucket, Key: key, UploadId: upload.UploadId}));
			const count = listed.Parts?.length ?? 0;
			if (count >= parts) return count;
		}

		await delay(50);
	}

	throw new Error(`no multipart upload of ${key} with ${parts} parts appeared`);
}

/**
 * 1 MiB chunks of random bytes; after `before` MiB it waits for `ready()`
 * (the server holding parts of the upload), then calls `then()`.
 */
function source(t: ExecutionContext, before: number, ready: () => Promise<unknown>, then: () => void): Readable {
	return Readable.from(
		(async function* () {
			for (let index = 0; index < before; index++) yield randomBytes(mebibyte);
			await ready();
			t.log('parts uploaded; now failing the source');
			then();
			for (let index = 0; index < 20; index++) {
				await delay(20);
				yield randomBytes(mebibyte);
			}
		})(),
		{objectMode: false},
	);
}

test('S3 store: 12 MB written as a multipart upload read back byte for byte, and a small object in one PUT', async t => {
	const {bucket, prefix} = await withBucketPrefix(t);
	const store = createS3Store(backupsConfig(prefix), {partSize: 5 * mebibyte});
	t.is(store.location, 's3');
	t.is(store.description, `s3://${bucket}/${prefix}`);

	const large = randomBytes(12 * mebibyte);
	const written = await store.write(
		'shop__2026_11_23.archive.gz',
		Readable.from([large.subarray(0, 3 * mebibyte), large.subarray(3 * mebibyte)]),
	);
	t.is(written.size, large.length);
	t.is(sha256(await readAll(await store.read('shop__2026_11_23.archive.gz'))), sha256(large));

	const small = Buffer.from('{"manifestVersion":1}\n');
	t.deepEqual(await store.write('shop__2026_11_23.archive.gz.manifest.json', Readable.from([small])), {size: small.length});
	t.deepEqual(await readAll(await store.read('shop__2026_11_23.archive.gz.manifest.json')), small);

	t.true(await store.exists('shop__2026_11_23.archive.gz'));
	t.false(await store.exists('shop__2026_11_24.archive.gz'));
	const listed = (await store.list()).sort((a, b) => a.name.localeCompare(b.name));
	t.deepEqual(
		listed.map(object => [object.name, object.size]),
		[
			['shop__2026_11_23.archive.gz', large.length],
			['shop__2026_11_23.archive.gz.manifest.json', small.length],
		],
	);
	// modifiedAt is the server's own time of each object (never this machine's clock, which may differ).
	const client = createS3Client(backupsConfig(prefix));
	for (const object of listed) {
		const head = await client.send(new HeadObjectCommand({Bucket: bucket, Key: `${prefix}${object.name}`}));
		t.deepEqual(object.modifiedAt, head.LastModified, object.name);
	}

	client.destroy();

	await store.delete('shop__2026_11_23.archive.gz');
	t.false(await store.exists('shop__2026_11_23.archive.gz'));
});

test('S3 store: an upload whose source fails after two parts leaves no object and no pending multipart upload', async t => {
	const {client, bucket, prefix} = await withBucketPrefix(t);
	const store = createS3Store(backupsConfig(prefix), {partSize: 5 * mebibyte, queueSize: 2});
	const key = `${prefix}broken.archive.gz`;
	let parts = 0;
	const body = source(
		t,
		11,
		async () => {
			parts = await waitForParts(client, bucket, key, 2);
		},
		() => {
			throw new Error('the dump failed half-way');
		},
	);

	const error = await t.throwsAsync(store.write('broken.archive.gz', body));
	t.is(error?.message, 'the dump failed half-way');
	t.true(parts >= 2, 'the server held parts before the failure');
	t.deepEqual(await leftovers(client, bucket, prefix), {objects: [], uploads: []});
	t.false(await store.exists('broken.archive.gz'));
	t.deepEqual(await store.list(), []);
});

test('S3 store: an upload aborted through its AbortSignal is cancelled and leaves nothing', async t => {
	const {client, bucket, prefix} = await withBucketPrefix(t);
	const store = createS3Store(backupsConfig(prefix), {partSize: 5 * mebibyte, queueSize: 2});
	const controller = new AbortController();
	const body = source(
		t,
		11,
		async () => waitForParts(client, bucket, `${prefix}aborted.archive.gz`, 2),
		() => controller.abort(),
	);

	const error = await t.throwsAsync(store.write('aborted.archive.gz', body, controller.signal), {instanceOf: MonarchError});
	t.is(error?.code, 'cancelled');
	t.deepEqual(await leftovers(client, bucket, prefix), {objects: [], uploads: []});
	t.true(body.destroyed);
});

test('S3 store: listing paginates (page size 2, five objects) and keeps to its prefix', async t => {
	const {client, bucket, prefix} = await withBucketPrefix(t);
	const s3 = createS3Client(backupsConfig(prefix));
	t.teardown(() => s3.destroy());
	const listCalls: string[] = [];
	s3.middlewareStack.add(
		next => async args => {
			const input = args.input as {ContinuationToken?: string};
			listCalls.push(input.ContinuationToken ?? 'first');
			return next(args);
		},
		{step: 'initialize', name: 'countListCalls'},
	);
	const store = createS3Store(backupsConfig(prefix), {pageSize: 2, client: s3});
	const names = ['a.archive.gz', 'b.archive.gz', 'c.archive.gz', 'd.archive.gz', 'e.archive.gz'];
	for (const name of names) await store.write(name, Readable.from([Buffer.from(name)]));
	// Not backups of this store: a nested key, and a key of a sibling prefix.
	await client.send(new PutObjectCommand({Bucket: bucket, Key: `${prefix}nested/x.archive.gz`, Body: 'x'}));
	await client.send(new PutObjectCommand({Bucket: bucket, Key: `${prefix.slice(0, -1)}x/y.archive.gz`, Body: 'y'}));
	t.teardown(async () => {
		await createS3Store(backupsConfig(`${prefix.slice(0, -1)}x/`)).delete('y.archive.gz');
	});

	listCalls.length = 0;
	const listed = await store.list();
	t.deepEqual(listed.map(object => object.name).sort(), names);
	t.true(listed.every(object => object.size === 12));
	t.is(listCalls.length, 3, 'three pages of at most two keys');
	t.is(listCalls[0], 'first');
	t.not(listCalls[1], 'first');
});

test('S3 store: an empty prefix keeps objects at the root of the bucket', async t => {
	const {client, bucket} = await withBucketPrefix(t);
	const store = createS3Store(backupsConfig(''));
	const name = `t_root_${randomBytes(4).toString('hex')}.archive.gz`;
	t.teardown(async () => store.delete(name));
	t.is(store.description, `s3://${bucket}/`);
	await store.write(name, Readable.from([Buffer.from('root')]));
	const head = await client.send(new ListObjectsV2Command({Bucket: bucket, Prefix: name}));
	t.deepEqual(
		head.Contents?.map(object => object.Key),
		[name],
	);
	t.true((await store.list()).some(object => object.name === name));
	t.is((await readAll(await store.read(name))).toString(), 'root');
});

test('S3 store: failures are one-line MonarchErrors naming what to fix, never the secret', async t => {
	const {prefix} = await withBucketPrefix(t);
	const store = createS3Store(backupsConfig(prefix));

	const missingObject = await t.throwsAsync(store.read('nothing__2026_11_23.archive.gz'), {instanceOf: MonarchError});
	t.is(missingObject?.code, 'not-found');
	t.regex(missingObject!.message, /nothing__2026_11_23\.archive\.gz/);

	const noBucket = createS3Store(backupsConfig('', {bucket: 'monarch-no-such-bucket'}));
	const missingBucket = await t.throwsAsync(noBucket.list(), {instanceOf: MonarchError});
	t.is(missingBucket?.code, 'not-found');
	t.regex(missingBucket!.message, /S3 bucket monarch-no-such-bucket does not exist/);
	t.regex(missingBucket!.hint!, /backups\.s3\.bucket/);
	const uploadToMissingBucket = await t.throwsAsync(noBucket.write('x.archive.gz', Readable.from([Buffer.from('x')])), {
		instanceOf: MonarchError,
	});
	t.is(uploadToMissingBucket?.code, 'not-found');

	const wrongSecret = 'not-the-secret-1234';
	const denied = await t.throwsAsync(createS3Store(backupsConfig(prefix, {secretAccessKey: wrongSecret})).list(), {
		instanceOf: MonarchError,
	});
	t.is(denied?.code, 'config');
	t.regex(denied!.message, /S3 refused to list/);
	t.false(`${denied!.message} ${denied!.hint}`.includes(wrongSecret));
	t.false(denied!.message.includes('\n'));

	process.env.MONARCH_CONNECT_TIMEOUT_MS = '1000';
	const unreachable = createS3Store(backupsConfig(prefix, {endpoint: 'http://127.0.0.1:9'}));
	const down = await t.throwsAsync(unreachable.list(), {instanceOf: MonarchError});
	t.is(down?.code, 'connection');
	t.regex(down!.message, /Cannot reach S3 at http:\/\/127\.0\.0\.1:9/);

	const halfKeys = t.throws(() => createS3Store(backupsConfig(prefix, {secretAccessKey: undefined})), {instanceOf: MonarchError});
	t.is(halfKeys?.code, 'config');
	t.regex(halfKeys!.message, /backups\.s3: secretAccessKey is missing/);
});

/** The status of a request the server refused, or 200. */
async function statusOf(request: Promise<unknown>): Promise<number> {
	try {
		await request;
		return 200;
	} catch (error) {
		if (error instanceof S3ServiceException) return error.$metadata.httpStatusCode ?? 0;
		throw error;
	}
}

async function text(client: S3Client, bucket: string, key: string): Promise<string> {
	const object = await client.send(new GetObjectCommand({Bucket: bucket, Key: key}));
	return object.Body!.transformToString();
}

test('versitygw v1.7.0 honours If-None-Match: * on PutObject and on CompleteMultipartUpload (412 when the key exists)', async t => {
	const {client, bucket, prefix} = await withBucketPrefix(t);
	const key = `${prefix}put.archive.gz`;
	t.is(await statusOf(client.send(new PutObjectCommand({Bucket: bucket, Key: key, Body: 'first', IfNoneMatch: '*'}))), 200);
	t.is(await statusOf(client.send(new PutObjectCommand({Bucket: bucket, Key: key, Body: 'second', IfNoneMatch: '*'}))), 412);
	t.is(await text(client, bucket, key), 'first');

	const multipart = async (target: string, body: string) => {
		const {UploadId} = await client.send(new CreateMultipartUploadCommand({Bucket: bucket, Key: target}));
		const part = await client.send(new UploadPartCommand({Bucket: bucket, Key: target, UploadId, PartNumber: 1, Body: body}));
		return client.send(
			new CompleteMultipartUploadCommand({
				Bucket: bucket,
				Key: target,
				UploadId,
				MultipartUpload: {Parts: [{PartNumber: 1, ETag: part.ETag}]},
				IfNoneMatch: '*',
			}),
		);
	};

	const mpuKey = `${prefix}multipart.archive.gz`;
	t.is(await statusOf(multipart(mpuKey, 'first')), 200);
	t.is(await statusOf(multipart(mpuKey, 'second')), 412);
	t.is(await statusOf(multipart(key, 'over a PUT')), 412);
	t.is(await text(client, bucket, mpuKey), 'first');
	t.is(await text(client, bucket, key), 'first');
});

/** A client for the store whose If-None-Match headers never reach the server: a server that ignores them. */
function ignoringConditionalWrites(prefix: string): S3Client {
	const client = createS3Client(backupsConfig(prefix));
	client.middlewareStack.add(
		next => async args => {
			const request = args.request as {headers: Record<string, string>};
			delete request.headers['if-none-match'];
			return next(args);
		},
		{step: 'build', name: 'dropIfNoneMatch'},
	);
	return client;
}

/** Runs `before` just before the client sends (after monarch's own checks) each `command` request for `key`. */
function beforeSending(client: S3Client, command: string, key: string, before: () => Promise<unknown>): void {
	client.middlewareStack.add(
		(next, context) => async args => {
			if (context.commandName === command && (args.input as {Key?: string}).Key === key) await before();
			return next(args);
		},
		{step: 'build', name: `before${command}`},
	);
}

/** Runs `after` once the server answered each `command` request for `key`. */
function afterSending(client: S3Client, command: string, key: string, after: () => Promise<unknown>): void {
	client.middlewareStack.add(
		(next, context) => async args => {
			const result = await next(args);
			if (context.commandName === command && (args.input as {Key?: string}).Key === key) await after();
			return result;
		},
		{step: 'initialize', name: `after${command}`, priority: 'high'},
	);
}

test("S3 store: a name taken between monarch's last look and the completing request is refused by the server (412), the other object kept", async t => {
	const {client, bucket, prefix} = await withBucketPrefix(t);
	const key = `${prefix}shop__2026_11_23.archive.gz`;
	for (const [command, size] of [
		['PutObjectCommand', 1000],
		['CompleteMultipartUploadCommand', 6 * mebibyte],
	] as const) {
		const s3 = createS3Client(backupsConfig(prefix));
		t.teardown(() => s3.destroy());
		beforeSending(s3, command, key, async () =>
			client.send(new PutObjectCommand({Bucket: bucket, Key: key, Body: `another backup (${command})`})),
		);
		const store = createS3Store(backupsConfig(prefix), {partSize: 5 * mebibyte, client: s3});
		const error = await t.throwsAsync(
			store.write('shop__2026_11_23.archive.gz', Readable.from([randomBytes(size)])),
			{instanceOf: NameTakenError},
			command,
		);
		t.true(error.cause instanceof S3ServiceException && error.cause.$metadata.httpStatusCode === 412, command);
		t.is(await text(client, bucket, key), `another backup (${command})`);
		t.deepEqual(await leftovers(client, bucket, prefix), {objects: [key], uploads: []});
		await store.delete('shop__2026_11_23.archive.gz');
	}
});

test('S3 store on a server that ignores If-None-Match: the later writer looks before completing and is refused; the earlier object stays', async t => {
	const {client, bucket, prefix} = await withBucketPrefix(t);
	const key = `${prefix}shop__2026_11_23.archive.gz`;
	const s3 = ignoringConditionalWrites(prefix);
	t.teardown(() => s3.destroy());
	// Proof that the header is really gone: a second conditional PUT replaces the first.
	await s3.send(new PutObjectCommand({Bucket: bucket, Key: `${prefix}probe`, Body: 'one', IfNoneMatch: '*'}));
	t.is(await statusOf(s3.send(new PutObjectCommand({Bucket: bucket, Key: `${prefix}probe`, Body: 'two', IfNoneMatch: '*'}))), 200);
	t.is(await text(client, bucket, `${prefix}probe`), 'two');
	await client.send(new DeleteObjectCommand({Bucket: bucket, Key: `${prefix}probe`}));

	const store = createS3Store(backupsConfig(prefix), {partSize: 5 * mebibyte, client: s3});
	for (const size of [1000, 6 * mebibyte]) {
		const body = Readable.from(
			(async function* () {
				yield randomBytes(size);
				// Another backup of the same name completes while this one is still being written.
				await createS3Store(backupsConfig(prefix)).write('shop__2026_11_23.archive.gz', Readable.from([Buffer.from('the earlier backup')]));
			})(),
		);
		const error = await t.throwsAsync(store.write('shop__2026_11_23.archive.gz', body), {instanceOf: NameTakenError}, String(size));
		t.regex(error.message, /by another backup at the same moment; this one was not kept and nothing was overwritten/);
		t.is(await text(client, bucket, key), 'the earlier backup');
		t.deepEqual(await leftovers(client, bucket, prefix), {objects: [key], uploads: []});
		await store.delete('shop__2026_11_23.archive.gz');
	}
});

test('S3 store on a server that ignores If-None-Match: a writer that lands right after this one is detected, and its object is left to it', async t => {
	const {client, bucket, prefix} = await withBucketPrefix(t);
	const key = `${prefix}shop__2026_11_23.archive.gz`;
	for (const [command, size] of [
		['PutObjectCommand', 1000],
		['CompleteMultipartUploadCommand', 6 * mebibyte],
	] as const) {
		const s3 = ignoringConditionalWrites(prefix);
		t.teardown(() => s3.destroy());
		// The other writer passed its own checks at the same moment and completes just after this one.
		afterSending(s3, command, key, async () => client.send(new PutObjectCommand({Bucket: bucket, Key: key, Body: 'the other backup'})));
		const store = createS3Store(backupsConfig(prefix), {partSize: 5 * mebibyte, client: s3});
		const error = await t.throwsAsync(
			store.write('shop__2026_11_23.archive.gz', Readable.from([randomBytes(size)])),
			{instanceOf: NameTakenError},
			command,
		);
		t.regex(error.message, /by another backup at the same moment/);
		t.is(await text(client, bucket, key), 'the other backup', "the other writer's object is not deleted");
		t.deepEqual(await leftovers(client, bucket, prefix), {objects: [key], uploads: []});
		await store.delete('shop__2026_11_23.archive.gz');
	}
});
