import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {CreateBucketCommand, HeadBucketCommand, ListBucketsCommand, S3Client, S3ServiceException} from '@aws-sdk/client-s3';
import {ServerStartError, spawnServer} from './process.js';
import {freePort, waitUntilReady} from './ready.js';

// The SDK warns on every process that Node 20 support ends in 2027; that is known and only noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Everything an S3 client needs to reach the test bucket. */
export interface S3Config {
	endpoint: string;
	region: string;
	accessKeyId: string;
	secretAccessKey: string;
	bucket: string;
	forcePathStyle: true;
}

/** A ready S3 endpoint with its bucket created. */
export interface S3Service {
	config: S3Config;
	/** Whether we started versitygw or use MONARCH_TEST_S3_ENDPOINT. */
	flavor: 'versitygw' | 'external';
	logFile?: string;
	/** Milliseconds from launch until ListBuckets and HeadBucket succeeded. */
	readyMs: number;
	/** Resolves with a message if the server we started dies before `stop()`. */
	crashed: Promise<string>;
	stop(): Promise<void>;
}

/** Options for {@link startS3}. */
export interface StartS3Options {
	/** Path of the versitygw binary (see ensureServerBinaries). */
	versitygwBinary: string;
	bucket: string;
	logFile: string;
	timeoutMs: number;
}

/** Credentials of the versitygw root account we start. */
const LOCAL_KEY_ID = 'monarch-test';
const LOCAL_SECRET = 'monarch-test-secret';
const LOCAL_REGION = 'us-east-1';

/**
 * Uses MONARCH_TEST_S3_ENDPOINT (and the other MONARCH_TEST_S3_* variables)
 * when set, otherwise starts versitygw's posix backend on a free loopback
 * port with a temp folder. Either way the bucket exists once this resolves.
 */
export async function startS3(options: StartS3Options): Promise<S3Service> {
	const env = process.env;
	if (env.MONARCH_TEST_S3_ENDPOINT) {
		const config: S3Config = {
			endpoint: env.MONARCH_TEST_S3_ENDPOINT,
			region: env.MONARCH_TEST_S3_REGION ?? env.AWS_REGION ?? LOCAL_REGION,
			accessKeyId: env.MONARCH_TEST_S3_ACCESS_KEY_ID ?? env.AWS_ACCESS_KEY_ID ?? LOCAL_KEY_ID,
			secretAccessKey: env.MONARCH_TEST_S3_SECRET_ACCESS_KEY ?? env.AWS_SECRET_ACCESS_KEY ?? LOCAL_SECRET,
			bucket: env.MONARCH_TEST_S3_BUCKET ?? options.bucket,
			forcePathStyle: true,
		};
		const target = {name: `S3 at ${config.endpoint}`};
		const readyMs = await waitUntilReady(target, options.timeoutMs, async () => ensureBucket(config, false));
		return {config, flavor: 'external', readyMs, crashed: new Promise(() => {}), stop: async () => {}};
	}

	for (let attempt = 1; ; attempt++) {
		const root = await fs.mkdtemp(path.join(os.tmpdir(), 'monarch-versitygw-'));
		const port = await freePort();
		const config: S3Config = {
			endpoint: `http://127.0.0.1:${port}`,
			region: LOCAL_REGION,
			accessKeyId: LOCAL_KEY_ID,
			secretAccessKey: LOCAL_SECRET,
			bucket: options.bucket,
			forcePathStyle: true,
		};
		const server = await spawnServer({
			name: 'versitygw',
			command: options.versitygwBinary,
			args: [
				'--port',
				`127.0.0.1:${port}`,
				'--access',
				config.accessKeyId,
				'--secret',
				config.secretAccessKey,
				'--region',
				config.region,
				'--quiet',
				'posix',
				root,
			],
			env: versitygwEnv(),
			logFile: options.logFile,
			cleanup: [root],
		});
		try {
			const readyMs = await waitUntilReady(server, options.timeoutMs, async () => ensureBucket(config, true));
			return {config, flavor: 'versitygw', logFile: server.logFile, readyMs, crashed: server.crashed, stop: server.stop};
		} catch (error) {
			await server.stop();
			// An early exit most likely means another process took the port: try another.
			if (attempt >= 3 || !(error instanceof ServerStartError && error.exitedEarly)) {
				throw error;
			}
		}
	}
}

/**
 * An S3 client for `config` that fails fast: one retry only, which is what
 * lets the SDK correct a skewed clock (a first request refused as
 * RequestTimeTooSkewed sets its clock offset from the server's Date; the
 * retry is signed with it). Callers poll on their own.
 */
export function s3Client(config: S3Config, timeoutMs = 3000): S3Client {
	return new S3Client({
		endpoint: config.endpoint,
		region: config.region,
		forcePathStyle: config.forcePathStyle,
		credentials: {accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey},
		maxAttempts: 2,
		requestHandler: {connectionTimeout: timeoutMs, requestTimeout: timeoutMs},
	});
}

/**
 * Proves the endpoint answers and our keys work, creating the bucket if it
 * is missing. With `listBuckets` (our own server) ListBuckets is the check;
 * on an external endpoint the keys may only be allowed HeadBucket.
 */
async function ensureBucket(config: S3Config, listBuckets: boolean): Promise<void> {
	const client = s3Client(config);
	try {
		if (listBuckets) {
			await client.send(new ListBucketsCommand({}));
		}

		try {
			await client.send(new HeadBucketCommand({Bucket: config.bucket}));
		} catch (error) {
			if (!(error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404)) {
				throw error;
			}

			await client.send(new CreateBucketCommand({Bucket: config.bucket}));
			await client.send(new HeadBucketCommand({Bucket: config.bucket}));
		}
	} finally {
		client.destroy();
	}
}

/** Our environment without versitygw's own settings, so a developer's VGW_* or ROOT_* variables cannot change the test server. */
function versitygwEnv(): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (!/^(VGW_|ROOT_)/.test(key)) {
			env[key] = value;
		}
	}

	return env;
}
