import {randomUUID} from 'node:crypto';
import {PassThrough, Readable, Transform} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import {AbortMultipartUploadCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, ListPartsCommand, S3Client, S3ServiceException} from '@aws-sdk/client-s3';
import {Upload} from '@aws-sdk/lib-storage';
import {connectTimeoutMs} from '../client-options.js';
import type {S3BackupsConfig} from '../config/schema.js';
import {MonarchError} from '../errors.js';
import {redact, registerSecret} from '../redact.js';
import type {BackupStore, PendingWrite, StoredObject} from './contract.js';
import {NameTakenError} from './name-taken.js';
import {checkObjectName} from './names.js';

// The SDK warns on every run that Node 20 support ends in 2027: noise for our users.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Tuning for {@link createS3Store}; the defaults suit production, tests make them small. */
export type S3StoreOptions = {
	/** Bytes per multipart part (default 8 MiB, at least 5 MiB as S3 requires). */
	partSize?: number;
	/** Parts uploaded at once (default 4); memory stays under about partSize x (queueSize + 1). */
	queueSize?: number;
	/** Keys per ListObjectsV2 page (default 1000). */
	pageSize?: number;
	/** A client to use instead of one built from the config. */
	client?: S3Client;
};

const mebibyte = 1024 * 1024;

/**
 * Backups in an S3 bucket (or an S3-compatible store through `endpoint` and
 * `forcePathStyle`), as objects `<prefix><name>`. Writes are streamed
 * multipart uploads held in bounded memory with no temporary file; a failed
 * or aborted write aborts the multipart upload, so no partial object remains.
 *
 * A write never replaces an object, in three steps:
 * 1. a HEAD before the body is read refuses a name that is already taken;
 * 2. the PutObject or CompleteMultipartUpload that makes the object visible
 *    carries `If-None-Match: *` (the server refuses with 412 when the name
 *    exists) and is preceded by one more HEAD ({@link refuseTakenNames}), so
 *    a server that ignores the header still refuses the later of two writers
 *    unless both complete within one round trip;
 * 3. after it, a HEAD checks that the object still carries this write's id
 *    (`x-amz-meta-monarch-write`): if another writer got through at the same
 *    moment, the write fails and the object is left to whoever holds it.
 * Every refusal is a {@link NameTakenError}.
 */
export function createS3Store(config: S3BackupsConfig, options: S3StoreOptions = {}): BackupStore {
	const partSize = Math.max(options.partSize ?? 8 * mebibyte, 5 * mebibyte);
	const queueSize = Math.max(1, options.queueSize ?? 4);
	const pageSize = options.pageSize ?? 1000;
	const prefix = config.prefix ?? '';
	const description = `s3://${config.bucket}/${prefix}`;
	const client = options.client ?? createS3Client(config);
	refuseTakenNames(client);
	const key = (name: string) => `${prefix}${checkObjectName(name)}`;
	const fail = (error: unknown, action: string, name?: string) => s3Error(error, {config, description, action, name});
	const exists = async (name: string, signal?: AbortSignal): Promise<boolean> => {
		try {
			await client.send(new HeadObjectCommand({Bucket: config.bucket, Key: key(name)}), {abortSignal: signal});
			return true;
		} catch (error) {
			if (isNotFound(error)) return false;
			throw fail(error, 'check', name);
		}
	};

	return {
		location: 's3',
		description,

		async list(signal) {
			const objects: StoredObject[] = [];
			let token: string | undefined;
			do {
				let page;
				try {
					page = await client.send(
						new ListObjectsV2Command({Bucket: config.bucket, Prefix: prefix || undefined, Delimiter: '/', MaxKeys: pageSize, ContinuationToken: token}),
						{abortSignal: signal},
					);
				} catch (error) {
					throw fail(error, 'list');
				}

				for (const object of page.Contents ?? []) {
					const name = object.Key?.slice(prefix.length);
					// Only flat, visible names are backups (matches the local store).
					if (!name || name.includes('/') || name.startsWith('.')) continue;
					objects.push({name, size: object.Size ?? 0, modifiedAt: object.LastModified ?? new Date(0)});
				}

				token = page.IsTruncated ? page.NextContinuationToken : undefined;
			} while (token);

			return objects;
		},

		exists,

		async write(name, body, signal) {
			const objectKey = key(name);
			if (signal?.aborted) {
				body.destroy();
				throw cancelled(name, description);
			}

			// Refused before any byte is read (see refuseTakenNames for the rest).
			const taken = await exists(name, signal).catch((error: unknown) => {
				body.destroy();
				throw error;
			});
			if (taken) {
				body.destroy();
				throw new NameTakenError(name, description);
			}

			const writeId = randomUUID();

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
			const upload = new Upload({
				client,
				params: {Bucket: config.bucket, Key: objectKey, Body: counter, ContentType: contentTypeOf(name), IfNoneMatch: '*', Metadata: {[writeIdHeader]: writeId}},
				partSize,
				queueSize,
				leavePartsOnError: false,
			});
			try {
				await upload.done();
			} catch (error) {
				// If every uploader failed, nothing reads the counter any more: unblock the source.
				counter.destroy();
				body.destroy();
				const sourceError = await feeding;
				if (signal?.aborted) throw cancelled(name, description);
				if (error instanceof TakenBeforeCompletion || isPreconditionFailed(error)) throw new NameTakenError(name, description, {raced: true, cause: error});
				throw sourceError && !isAbortLike(sourceError) ? sourceError : fail(error, 'upload', name);
			}

			const sourceError = await feeding;
			if (sourceError) {
				// Cannot happen (the upload reads the whole source), but never report a short object as written.
				await client.send(new DeleteObjectCommand({Bucket: config.bucket, Key: objectKey})).catch(() => {});
				throw sourceError;
			}

			// A server that ignores If-None-Match, or checks it racily (versitygw
			// v1.7.0 lets several of ten simultaneous writers through), may have let
			// another writer replace this object after our checks: our write id
			// must still be on it. If not, the object is the other writer's, and
			// it is left to them.
			let stored;
			try {
				// Not cancellable: the object is stored, and the caller must learn whose it is.
				stored = await client.send(new HeadObjectCommand({Bucket: config.bucket, Key: objectKey}));
			} catch (error) {
				if (!isNotFound(error)) throw fail(error, 'check', name);
			}

			if (stored?.Metadata?.[writeIdHeader] !== writeId) throw new NameTakenError(name, description, {raced: true});
			return {size};
		},

		async read(name, signal) {
			try {
				const response = await client.send(new GetObjectCommand({Bucket: config.bucket, Key: key(name)}), {abortSignal: signal});
				const stream = response.Body;
				if (stream instanceof Readable) return stream;
				// Other runtimes hand out web streams; keep the contract's Node stream.
				if (stream && 'transformToWebStream' in stream) return Readable.fromWeb(stream.transformToWebStream() as never);
				return new PassThrough().end();
			} catch (error) {
				if (isNotFound(error)) {
					throw new MonarchError('not-found', `No backup object ${name} in ${description}`, {hint: 'see `monarch list_backups`'});
				}

				throw fail(error, 'read', name);
			}
		},

		async delete(name) {
			try {
				await client.send(new DeleteObjectCommand({Bucket: config.bucket, Key: key(name)}));
			} catch (error) {
				if (isNotFound(error)) return;
				throw fail(error, 'delete', name);
			}
		},

		async pending(signal) {
			const writes: PendingWrite[] = [];
			let keyMarker: string | undefined;
			let uploadIdMarker: string | undefined;
			try {
				do {
					const page = await client.send(
						new ListMultipartUploadsCommand({Bucket: config.bucket, Prefix: prefix || undefined, MaxUploads: pageSize, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker}),
						{abortSignal: signal},
					);
					for (const upload of page.Uploads ?? []) {
						const name = upload.Key?.slice(prefix.length);
						if (!name || !upload.UploadId || name.includes('/') || name.startsWith('.')) continue;
						// A running upload adds a part every partSize bytes: its newest part tells whether it is alive.
						let lastActivity = upload.Initiated ?? new Date(0);
						let size = 0;
						let partMarker: string | undefined;
						do {
							const parts = await client.send(new ListPartsCommand({Bucket: config.bucket, Key: upload.Key, UploadId: upload.UploadId, PartNumberMarker: partMarker}), {abortSignal: signal});
							for (const part of parts.Parts ?? []) {
								size += part.Size ?? 0;
								if (part.LastModified && part.LastModified > lastActivity) lastActivity = part.LastModified;
							}

							partMarker = parts.IsTruncated ? parts.NextPartNumberMarker : undefined;
						} while (partMarker);

						writes.push({name, id: upload.UploadId, lastActivity, size});
					}

					keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
					uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
				} while (keyMarker);
			} catch (error) {
				throw fail(error, 'list pending uploads in');
			}

			return writes;
		},

		async abortPending(write) {
			try {
				await client.send(new AbortMultipartUploadCommand({Bucket: config.bucket, Key: key(write.name), UploadId: write.id}));
			} catch (error) {
				if (isNotFound(error)) return;
				throw fail(error, 'abort the pending upload of', write.name);
			}
		},
	};
}

/** User metadata naming the write that stored an object (a random id per write). */
const writeIdHeader = 'monarch-write';

/** Thrown by {@link refuseTakenNames}: the name was taken while the upload ran. */
class TakenBeforeCompletion extends Error {
	override readonly name = 'TakenBeforeCompletion';
}

/**
 * Makes the client look before it completes a conditional write of ours
 * (a PutObject or CompleteMultipartUpload with `If-None-Match: *` and a
 * write id): when the key exists by then, the write is refused before it is
 * sent, and lib-storage aborts the multipart upload. This is what refuses the
 * later of two writers on a server that ignores the header.
 */
function refuseTakenNames(client: S3Client): void {
	client.middlewareStack.add(
		(next, context) => async args => {
			const input = args.input as {Bucket?: string; Key?: string; IfNoneMatch?: string; Metadata?: Record<string, string>};
			const completes = context.commandName === 'PutObjectCommand' || context.commandName === 'CompleteMultipartUploadCommand';
			if (completes && input.IfNoneMatch === '*' && input.Metadata?.[writeIdHeader]) {
				const taken = await client.send(new HeadObjectCommand({Bucket: input.Bucket, Key: input.Key})).then(
					() => true,
					(error: unknown) => {
						if (isNotFound(error)) return false;
						throw error;
					},
				);
				if (taken) throw new TakenBeforeCompletion(`${input.Key} exists`);
			}

			return next(args);
		},
		{step: 'initialize', name: 'monarchRefuseTakenNames', override: true},
	);
}

/** An S3 client for the backups config: given keys or the standard AWS credential chain, a bounded connect time. */
export function createS3Client(config: S3BackupsConfig): S3Client {
	const {accessKeyId, secretAccessKey} = config;
	if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) {
		throw new MonarchError('config', `backups.s3: ${accessKeyId ? 'secretAccessKey' : 'accessKeyId'} is missing`, {
			hint: 'give both accessKeyId and secretAccessKey in monarch.json, or neither to use the standard AWS credentials',
		});
	}

	registerSecret(secretAccessKey);
	const timeout = connectTimeoutMs();
	return new S3Client({
		region: config.region || 'us-east-1',
		endpoint: config.endpoint,
		forcePathStyle: config.forcePathStyle,
		credentials: accessKeyId && secretAccessKey ? {accessKeyId, secretAccessKey} : undefined,
		maxAttempts: 3,
		requestHandler: {connectionTimeout: timeout, socketTimeout: 120_000},
	});
}

function contentTypeOf(name: string): string {
	if (name.endsWith('.json')) return 'application/json';
	if (name.endsWith('.gz')) return 'application/gzip';
	return 'application/octet-stream';
}

function cancelled(name: string, description: string): MonarchError {
	return new MonarchError('cancelled', `Cancelled writing ${name} to ${description} (nothing was kept)`);
}

function isAbortLike(error: unknown): boolean {
	return error instanceof Error && (error.name === 'AbortError' || (error as NodeJS.ErrnoException).code === 'ABORT_ERR' || (error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE');
}

function isPreconditionFailed(error: unknown): boolean {
	return error instanceof S3ServiceException && (error.name === 'PreconditionFailed' || error.$metadata.httpStatusCode === 412);
}

function isNotFound(error: unknown): boolean {
	if (!(error instanceof S3ServiceException)) return false;
	return error.name === 'NoSuchKey' || error.name === 'NotFound' || (error.$metadata.httpStatusCode === 404 && error.name !== 'NoSuchBucket');
}

const unreachableCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE']);

/** Any SDK or network failure as one password-free line naming the bucket and what to check. */
export function s3Error(error: unknown, context: {config: S3BackupsConfig; description: string; action: string; name?: string}): MonarchError {
	if (error instanceof MonarchError) return error;
	const {config, description, action, name} = context;
	const what = name ? `${action} ${name} in ${description}` : `${action} ${description}`;
	const where = config.endpoint ? ` at ${config.endpoint}` : '';
	const cause = {cause: error};
	const errorName = error instanceof Error ? error.name : '';
	const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';

	if (errorName === 'AbortError') return new MonarchError('cancelled', `Cancelled: ${what}`, cause);
	if (errorName === 'NoSuchBucket') {
		return new MonarchError('not-found', `S3 bucket ${config.bucket} does not exist${where}`, {...cause, hint: 'create it, or fix backups.s3.bucket in monarch.json'});
	}

	if (['AccessDenied', 'Forbidden', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken'].includes(errorName)) {
		return new MonarchError('config', redact(`S3 refused to ${what}${where}: ${errorName}`), {
			...cause,
			hint: 'check backups.s3.accessKeyId/secretAccessKey in monarch.json (or your AWS credentials) and the bucket policy',
		});
	}

	if (errorName === 'CredentialsProviderError') {
		return new MonarchError('config', `No AWS credentials to ${what}`, {
			...cause,
			hint: 'set backups.s3.accessKeyId and secretAccessKey in monarch.json, or AWS_ACCESS_KEY_ID / AWS_PROFILE',
		});
	}

	if (unreachableCodes.has(code) || errorName === 'TimeoutError' || errorName === 'RequestTimeout') {
		return new MonarchError('connection', redact(`Cannot reach S3${where || ` in ${config.region}`} to ${what} (${code || errorName})`), {
			...cause,
			hint: 'check backups.s3.endpoint and region in monarch.json and that the server is up',
		});
	}

	const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
	return new MonarchError('internal', redact(`S3 failed to ${what}${where}: ${errorName ? `${errorName}: ` : ''}${message}`), cause);
}
