import {HeadObjectCommand, type S3Client} from '@aws-sdk/client-s3';
import type {S3BackupsConfig} from '../config/schema.js';
import type {MonarchError} from '../errors.js';
import {checkObjectName} from './names.js';
import {isNotFound, s3Error} from './s3-errors.js';

/** The bucket and prefix an S3 store keeps its objects in, with the client it reaches them through: what each of its functions is given. */
export type S3Bucket = {
	client: S3Client;
	config: S3BackupsConfig;
	/** `backups.s3.prefix`, '' when none. */
	prefix: string;
	/** For people: `s3://bucket/prefix`. */
	description: string;
};

/** The object key of a backup object's name (checked: flat, visible). */
export function keyOf(bucket: S3Bucket, name: string): string {
	return `${bucket.prefix}${checkObjectName(name)}`;
}

/** A failure of `action` (on `name`) as the store's one-line error. */
export function failure(bucket: S3Bucket, error: unknown, action: string, name?: string): MonarchError {
	return s3Error(error, {config: bucket.config, description: bucket.description, action, name});
}

/** True when an object of that name exists (a HEAD). */
export async function objectExists(bucket: S3Bucket, name: string, signal?: AbortSignal): Promise<boolean> {
	try {
		await bucket.client.send(new HeadObjectCommand({Bucket: bucket.config.bucket, Key: keyOf(bucket, name)}), {abortSignal: signal});
		return true;
	} catch (error) {
		if (isNotFound(error)) return false;
		throw failure(bucket, error, 'check', name);
	}
}
