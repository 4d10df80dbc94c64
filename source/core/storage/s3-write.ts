import {randomUUID} from 'node:crypto';
import {type Readable, Transform} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import {DeleteObjectCommand, HeadObjectCommand, type S3Client} from '@aws-sdk/client-s3';
import {Upload} from '@aws-sdk/lib-storage';
import {MonarchError} from '../errors.js';
import {NameTakenError} from './name-taken.js';
import {failure, keyOf, objectExists, type S3Bucket} from './s3-bucket.js';
import {isAbortLike, isNotFound, isPreconditionFailed} from './s3-errors.js';

/** How a write is uploaded: bytes per multipart part, and parts at once. */
export type UploadTuning = {partSize: number; queueSize: number};

/** User metadata naming the write that stored an object (a random id per write). */
const writeIdHeader = 'monarch-write';

/** Thrown by a write's look before completing: the name was taken while the upload ran. */
class TakenBeforeCompletion extends Error {
	override readonly name = 'TakenBeforeCompletion';
}

/** The look each running write does just before the request that completes it, by write id (see {@link lookBeforeCompleting}). */
const looksBeforeCompleting = new Map<string, () => Promise<void>>();

/**
 * Stores `body` as `name` unless the name is taken: the S3 store's whole
 * no-overwrite protocol. A write never replaces an object, in three steps:
 * 1. a HEAD before the body is read refuses a name that is already taken;
 * 2. the PutObject or CompleteMultipartUpload that makes the object visible
 *    carries `If-None-Match: *` (the server refuses with 412 when the name
 *    exists) and this write's id, and is preceded by one more HEAD, so a
 *    server that ignores the header still refuses the later of two writers
 *    unless both complete within one round trip;
 * 3. after it, a HEAD checks that the object still carries this write's id
 *    (`x-amz-meta-monarch-write`): if another writer got through at the same
 *    moment, the write fails and the object is left to whoever holds it.
 * Every refusal is a {@link NameTakenError}; a failed or aborted write aborts
 * its multipart upload, so nothing of it remains.
 */
export async function writeIfAbsent(
	bucket: S3Bucket,
	name: string,
	body: Readable,
	tuning: UploadTuning,
	signal?: AbortSignal,
): Promise<{size: number}> {
	const key = keyOf(bucket, name);
	if (signal?.aborted) {
		body.destroy();
		throw cancelled(name, bucket.description);
	}

	// 1. Refused before any byte is read.
	const taken = await objectExists(bucket, name, signal).catch((error: unknown) => {
		body.destroy();
		throw error;
	});
	if (taken) {
		body.destroy();
		throw new NameTakenError(name, bucket.description);
	}

	// 2. Conditional on the name being free when it completes, with one more look just before.
	const writeId = randomUUID();
	looksBeforeCompleting.set(writeId, async () => {
		const exists = await bucket.client.send(new HeadObjectCommand({Bucket: bucket.config.bucket, Key: key})).then(
			() => true,
			(error: unknown) => {
				if (isNotFound(error)) return false;
				throw error;
			},
		);
		if (exists) throw new TakenBeforeCompletion(`${key} exists`);
	});
	let size: number;
	try {
		size = await upload(bucket, name, body, {IfNoneMatch: '*', Metadata: {[writeIdHeader]: writeId}}, tuning, signal);
	} catch (error) {
		if (error instanceof TakenBeforeCompletion || isPreconditionFailed(error))
			throw new NameTakenError(name, bucket.description, {raced: true, cause: error});
		throw error;
	} finally {
		looksBeforeCompleting.delete(writeId);
	}

	// 3. A server that ignores If-None-Match, or checks it racily (versitygw
	// v1.7.0 lets several of ten simultaneous writers through), may have let
	// another writer replace this object after our checks: our write id
	// must still be on it. If not, the object is the other writer's, and
	// it is left to them.
	let stored;
	try {
		// Not cancellable: the object is stored, and the caller must learn whose it is.
		stored = await bucket.client.send(new HeadObjectCommand({Bucket: bucket.config.bucket, Key: key}));
	} catch (error) {
		if (!isNotFound(error)) throw failure(bucket, error, 'check', name);
	}

	if (stored?.Metadata?.[writeIdHeader] !== writeId) throw new NameTakenError(name, bucket.description, {raced: true});
	return {size};
}

/**
 * Makes the client run a write's look (registered by {@link writeIfAbsent}
 * under its write id) before it sends the PutObject or
 * CompleteMultipartUpload that completes it: lib-storage sends those itself,
 * so this is the only place to look from. When the look throws, the request
 * is not sent and lib-storage aborts the multipart upload.
 */
export function lookBeforeCompleting(client: S3Client): void {
	client.middlewareStack.add(
		(next, context) => async args => {
			const input = args.input as {IfNoneMatch?: string; Metadata?: Record<string, string>};
			const completes = context.commandName === 'PutObjectCommand' || context.commandName === 'CompleteMultipartUploadCommand';
			const writeId = input.Metadata?.[writeIdHeader];
			const look = completes && input.IfNoneMatch === '*' && writeId ? looksBeforeCompleting.get(writeId) : undefined;
			if (look) await look();
			return next(args);
		},
		{step: 'initialize', name: 'monarchRefuseTakenNames', override: true},
	);
}

/**
 * Streams `body` into `name` through lib-storage's Upload (a multipart upload
 * held in bounded memory, or one PutObject) with `condition` on the request
 * that completes it; resolves with the bytes read. A refused completion is
 * rethrown as it came, for the caller to read; any other failure (the
 * source's, the upload's, the abort) becomes one error.
 */
async function upload(
	bucket: S3Bucket,
	name: string,
	body: Readable,
	condition: {IfNoneMatch: string; Metadata: Record<string, string>},
	tuning: UploadTuning,
	signal: AbortSignal | undefined,
): Promise<number> {
	const key = keyOf(bucket, name);
	let size = 0;
	const counter = new Transform({
		transform(chunk: Buffer, _encoding, callback) {
			size += chunk.length;
			callback(null, chunk);
		},
	});
	// The pipeline carries the source's errors and the abort into the upload:
	// the uploader's read fails, so lib-storage aborts the multipart upload
	// before done() settles.
	const feeding = pipeline(body, counter, {signal}).then(
		() => undefined,
		(error: unknown) => error,
	);
	const uploader = new Upload({
		client: bucket.client,
		params: {Bucket: bucket.config.bucket, Key: key, Body: counter, ContentType: contentTypeOf(name), ...condition},
		partSize: tuning.partSize,
		queueSize: tuning.queueSize,
		leavePartsOnError: false,
	});
	try {
		await uploader.done();
	} catch (error) {
		// If every uploader failed, nothing reads the counter any more: unblock the source.
		counter.destroy();
		body.destroy();
		const sourceError = await feeding;
		if (signal?.aborted) throw cancelled(name, bucket.description);
		if (error instanceof TakenBeforeCompletion || isPreconditionFailed(error)) throw error;
		throw sourceError && !isAbortLike(sourceError) ? sourceError : failure(bucket, error, 'upload', name);
	}

	const sourceError = await feeding;
	if (sourceError) {
		// Cannot happen (the upload reads the whole source), but never report a short object as written.
		await bucket.client.send(new DeleteObjectCommand({Bucket: bucket.config.bucket, Key: key})).catch(() => {});
		throw sourceError;
	}

	return size;
}

function contentTypeOf(name: string): string {
	if (name.endsWith('.json')) return 'application/json';
	if (name.endsWith('.gz')) return 'application/gzip';
	return 'application/octet-stream';
}

function cancelled(name: string, description: string): MonarchError {
	return new MonarchError('cancelled', `Cancelled writing ${name} to ${description} (nothing was kept)`);
}
