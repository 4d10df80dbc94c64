import {PassThrough, Readable} from 'node:stream';
import {
	AbortMultipartUploadCommand,
	DeleteObjectCommand,
	GetObjectCommand,
	ListMultipartUploadsCommand,
	ListObjectsV2Command,
	ListPartsCommand,
	type MultipartUpload,
	S3Client,
} from '@aws-sdk/client-s3';
import {connectTimeoutMs} from '../client-options.js';
import type {S3BackupsConfig} from '../config/schema.js';
import {MonarchError} from '../errors.js';
import {registerSecret} from '../redact.js';
import type {BackupStore, PendingWrite, StoredObject} from './contract.js';
import {failure, keyOf, objectExists, type S3Bucket} from './s3-bucket.js';
import {isNotFound} from './s3-errors.js';
import {lookBeforeCompleting, type UploadTuning, writeIfAbsent} from './s3-write.js';

export {s3Error} from './s3-errors.js';

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
 * A write never replaces an object: see {@link writeIfAbsent} (s3-write.ts)
 * for the protocol, and its limits on a server that ignores `If-None-Match`.
 */
export function createS3Store(config: S3BackupsConfig, options: S3StoreOptions = {}): BackupStore {
	const tuning: UploadTuning = {
		partSize: Math.max(options.partSize ?? 8 * mebibyte, 5 * mebibyte),
		queueSize: Math.max(1, options.queueSize ?? 4),
	};
	const pageSize = options.pageSize ?? 1000;
	const prefix = config.prefix ?? '';
	const client = options.client ?? createS3Client(config);
	lookBeforeCompleting(client);
	const bucket: S3Bucket = {client, config, prefix, description: `s3://${config.bucket}/${prefix}`};
	return {
		location: 's3',
		description: bucket.description,
		list: async signal => listObjects(bucket, pageSize, signal),
		exists: async (name, signal) => objectExists(bucket, name, signal),
		write: async (name, body, signal) => writeIfAbsent(bucket, name, body, tuning, signal),
		read: async (name, signal) => readObject(bucket, name, signal),
		delete: async name => deleteObject(bucket, name),
		pending: async signal => listPendingWrites(bucket, pageSize, signal),
		abortPending: async write => abortPendingWrite(bucket, write),
	};
}

/** Only flat, visible names are backups (matches the local store): the name under the prefix, or undefined for any other key. */
function backupName(bucket: S3Bucket, key: string | undefined): string | undefined {
	const name = key?.slice(bucket.prefix.length);
	return !name || name.includes('/') || name.startsWith('.') ? undefined : name;
}

/** Every backup object under the prefix, page by page. */
async function listObjects(bucket: S3Bucket, pageSize: number, signal: AbortSignal | undefined): Promise<StoredObject[]> {
	const objects: StoredObject[] = [];
	let token: string | undefined;
	do {
		let page;
		try {
			page = await bucket.client.send(
				new ListObjectsV2Command({
					Bucket: bucket.config.bucket,
					Prefix: bucket.prefix || undefined,
					Delimiter: '/',
					MaxKeys: pageSize,
					ContinuationToken: token,
				}),
				{abortSignal: signal},
			);
		} catch (error) {
			throw failure(bucket, error, 'list');
		}

		for (const object of page.Contents ?? []) {
			const name = backupName(bucket, object.Key);
			if (name) objects.push({name, size: object.Size ?? 0, modifiedAt: object.LastModified ?? new Date(0)});
		}

		token = page.IsTruncated ? page.NextContinuationToken : undefined;
	} while (token);

	return objects;
}

/** An object's bytes as a Node stream; 'not-found' when absent. */
async function readObject(bucket: S3Bucket, name: string, signal: AbortSignal | undefined): Promise<Readable> {
	try {
		const response = await bucket.client.send(new GetObjectCommand({Bucket: bucket.config.bucket, Key: keyOf(bucket, name)}), {
			abortSignal: signal,
		});
		const stream = response.Body;
		if (stream instanceof Readable) return stream;
		// Other runtimes hand out web streams; keep the contract's Node stream.
		if (stream && 'transformToWebStream' in stream) return Readable.fromWeb(stream.transformToWebStream() as never);
		return new PassThrough().end();
	} catch (error) {
		if (isNotFound(error)) {
			throw new MonarchError('not-found', `No backup object ${name} in ${bucket.description}`, {hint: 'see `monarch list_backups`'});
		}

		throw failure(bucket, error, 'read', name);
	}
}

async function deleteObject(bucket: S3Bucket, name: string): Promise<void> {
	try {
		await bucket.client.send(new DeleteObjectCommand({Bucket: bucket.config.bucket, Key: keyOf(bucket, name)}));
	} catch (error) {
		if (isNotFound(error)) return;
		throw failure(bucket, error, 'delete', name);
	}
}

/** The multipart uploads under the prefix that neither completed nor were aborted, page by page. */
async function listPendingWrites(bucket: S3Bucket, pageSize: number, signal: AbortSignal | undefined): Promise<PendingWrite[]> {
	const writes: PendingWrite[] = [];
	let keyMarker: string | undefined;
	let uploadIdMarker: string | undefined;
	try {
		do {
			const page = await bucket.client.send(
				new ListMultipartUploadsCommand({
					Bucket: bucket.config.bucket,
					Prefix: bucket.prefix || undefined,
					MaxUploads: pageSize,
					KeyMarker: keyMarker,
					UploadIdMarker: uploadIdMarker,
				}),
				{abortSignal: signal},
			);
			for (const upload of page.Uploads ?? []) {
				const name = backupName(bucket, upload.Key);
				if (!name || !upload.UploadId) continue;
				writes.push({name, id: upload.UploadId, ...(await uploadActivity(bucket, upload, signal))});
			}

			keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
			uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
		} while (keyMarker);
	} catch (error) {
		throw failure(bucket, error, 'list pending uploads in');
	}

	return writes;
}

/** A running upload adds a part every partSize bytes: its newest part tells whether it is alive, its parts how much it holds. */
async function uploadActivity(
	bucket: S3Bucket,
	upload: MultipartUpload,
	signal: AbortSignal | undefined,
): Promise<{lastActivity: Date; size: number}> {
	let lastActivity = upload.Initiated ?? new Date(0);
	let size = 0;
	let partMarker: string | undefined;
	do {
		const parts = await bucket.client.send(
			new ListPartsCommand({Bucket: bucket.config.bucket, Key: upload.Key, UploadId: upload.UploadId, PartNumberMarker: partMarker}),
			{abortSignal: signal},
		);
		for (const part of parts.Parts ?? []) {
			size += part.Size ?? 0;
			if (part.LastModified && part.LastModified > lastActivity) lastActivity = part.LastModified;
		}

		partMarker = parts.IsTruncated ? parts.NextPartNumberMarker : undefined;
	} while (partMarker);

	return {lastActivity, size};
}

async function abortPendingWrite(bucket: S3Bucket, write: PendingWrite): Promise<void> {
	try {
		await bucket.client.send(
			new AbortMultipartUploadCommand({Bucket: bucket.config.bucket, Key: keyOf(bucket, write.name), UploadId: write.id}),
		);
	} catch (error) {
		if (isNotFound(error)) return;
		throw failure(bucket, error, 'abort the pending upload of', write.name);
	}
}

/** An S3 client for the backups config: given keys or the standard AWS credential chain, a bounded connect time (client-options.ts's). */
export function createS3Client(config: S3BackupsConfig): S3Client {
	const {accessKeyId, secretAccessKey} = config;
	if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) {
		throw new MonarchError('config', `backups.s3: ${accessKeyId ? 'secretAccessKey' : 'accessKeyId'} is missing`, {
			hint: 'give both accessKeyId and secretAccessKey in monarch.json, or neither to use the standard AWS credentials',
		});
	}

	registerSecret(secretAccessKey);
	return new S3Client({
		region: config.region || 'us-east-1',
		endpoint: config.endpoint,
		forcePathStyle: config.forcePathStyle,
		credentials: accessKeyId && secretAccessKey ? {accessKeyId, secretAccessKey} : undefined,
		maxAttempts: 3,
		requestHandler: {connectionTimeout: connectTimeoutMs(), socketTimeout: 120_000},
	});
}
