import {S3ServiceException} from '@aws-sdk/client-s3';
import type {S3BackupsConfig} from '../config/schema.js';
import {firstLine, MonarchError} from '../errors.js';
import {redact} from '../redact.js';

/** What the S3 store makes of the SDK's failures: which ones mean "absent", "refused by a condition", "aborted", and the one-line error of any other. */

/** A stream or request ended by an abort (the caller's signal, or a destroyed stream). */
export function isAbortLike(error: unknown): boolean {
	return (
		error instanceof Error &&
		(error.name === 'AbortError' ||
			(error as NodeJS.ErrnoException).code === 'ABORT_ERR' ||
			(error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE')
	);
}

/** The server refused a conditional write (`If-None-Match: *`): the name is taken. */
export function isPreconditionFailed(error: unknown): boolean {
	return error instanceof S3ServiceException && (error.name === 'PreconditionFailed' || error.$metadata.httpStatusCode === 412);
}

/** The object (not the bucket) is absent. */
export function isNotFound(error: unknown): boolean {
	if (!(error instanceof S3ServiceException)) return false;
	return (
		error.name === 'NoSuchKey' || error.name === 'NotFound' || (error.$metadata.httpStatusCode === 404 && error.name !== 'NoSuchBucket')
	);
}

const unreachableCodes = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'ECONNRESET',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ETIMEDOUT',
	'EPIPE',
]);

/** Any SDK or network failure as one password-free line naming the bucket and what to check. */
export function s3Error(
	error: unknown,
	context: {config: S3BackupsConfig; description: string; action: string; name?: string},
): MonarchError {
	if (error instanceof MonarchError) return error;
	const {config, description, action, name} = context;
	const what = name ? `${action} ${name} in ${description}` : `${action} ${description}`;
	const where = config.endpoint ? ` at ${config.endpoint}` : '';
	const cause = {cause: error};
	const errorName = error instanceof Error ? error.name : '';
	const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';

	if (errorName === 'AbortError') return new MonarchError('cancelled', `Cancelled: ${what}`, cause);
	if (errorName === 'NoSuchBucket') {
		return new MonarchError('not-found', `S3 bucket ${config.bucket} does not exist${where}`, {
			...cause,
			hint: 'create it, or fix backups.s3.bucket in monarch.json',
		});
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

	const message = error instanceof Error ? firstLine(error.message) : String(error);
	return new MonarchError('internal', redact(`S3 failed to ${what}${where}: ${errorName ? `${errorName}: ` : ''}${message}`), cause);
}
