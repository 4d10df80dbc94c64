import fs from 'node:fs/promises';
import path from 'node:path';
import {ensureServerBinaries} from './binaries.js';
import {type MongoChoice, type MongoFlavor, type MongoService, startMongo, useExternalMongo} from './mongodb.js';
import {logDir} from './paths.js';
import {DEFAULT_READY_TIMEOUT_MS} from './ready.js';
import {type S3Config, type S3Service, startS3} from './s3.js';

export {type EnsureBinariesOptions, ensureServerBinaries, type ServerBinaries, VERSITYGW_VERSION} from './binaries.js';
export {type MongoChoice, type MongoFlavor, ping as pingMongo} from './mongodb.js';
export {ServerStartError} from './process.js';
export {type RunningServices, readRunningServices, removeServicesFile, writeServicesFile} from './running.js';
export {type S3Config, s3Client} from './s3.js';

/** Options for {@link startServices}. */
export interface StartServicesOptions {
	/**
	 * Which MongoDB server to start when MONARCH_TEST_MONGODB_URI is unset:
	 * `auto` (default) prefers a `mongod` on PATH over FerretDB. The
	 * MONARCH_TEST_MONGODB_SERVER variable sets it too.
	 */
	mongodb?: MongoChoice;
	/** Bucket to create when MONARCH_TEST_S3_BUCKET is unset (default `monarch-test`). */
	bucket?: string;
	/** Time each server gets to become ready (default 30 s). */
	timeoutMs?: number;
	/**
	 * Stop the servers and exit on SIGINT, SIGTERM and SIGHUP (default true).
	 * Pass false when the caller handles signals itself and calls `stop()`.
	 */
	handleSignals?: boolean;
	/** Receives progress lines such as builds (default: stderr). */
	log?: (line: string) => void;
}

/** Running test servers: where they are and how to stop them. */
export interface Services {
	mongodbUri: string;
	mongodbFlavor: MongoFlavor;
	s3: S3Config;
	s3Flavor: S3Service['flavor'];
	/** Log files of the servers we started. */
	logFiles: {mongodb?: string; s3?: string};
	/** Milliseconds each server took from launch to its first successful check. */
	readyMs: {mongodb: number; s3: number};
	/** Resolves with a one-line message if a server we started dies before `stop()`; never resolves otherwise. */
	crashed: Promise<string>;
	/** Stops the servers we started and deletes their temp data; safe to call twice. */
	stop(): Promise<void>;
}

/**
 * Starts MongoDB (or FerretDB) and S3 (versitygw) on free loopback ports,
 * building binaries first if needed, unless MONARCH_TEST_MONGODB_URI or
 * MONARCH_TEST_S3_ENDPOINT point at servers to use instead. Resolves once
 * both answer real requests; if either fails the other is stopped and the
 * error names the failing server and its log file.
 */
export async function startServices(options: StartServicesOptions = {}): Promise<Services> {
	const log = options.log ?? ((line: string) => console.error(line));
	const choice = options.mongodb ?? mongoChoiceFromEnv();
	const timeoutMs = options.timeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
	const binaries = await ensureServerBinaries({
		ferretdb: !process.env.MONARCH_TEST_MONGODB_URI && choice !== 'mongod',
		versitygw: !process.env.MONARCH_TEST_S3_ENDPOINT,
		log,
	});
	await pruneOldLogs();

	const [mongo, s3] = await Promise.allSettled([
		process.env.MONARCH_TEST_MONGODB_URI
			? useExternalMongo(process.env.MONARCH_TEST_MONGODB_URI, timeoutMs)
			: startMongo({choice, ferretdbBinary: binaries.ferretdb, logFile, timeoutMs}),
		startS3({versitygwBinary: binaries.versitygw, bucket: options.bucket ?? 'monarch-test', logFile: logFile('versitygw'), timeoutMs}),
	]);
	if (mongo.status === 'rejected' || s3.status === 'rejected') {
		await Promise.all([mongo, s3].map(async result => (result.status === 'fulfilled' ? result.value.stop() : undefined)));
		throw mongo.status === 'rejected' ? mongo.reason : (s3 as PromiseRejectedResult).reason;
	}

	return assemble(mongo.value, s3.value, options.handleSignals ?? true);
}

function assemble(mongo: MongoService, s3: S3Service, handleSignals: boolean): Services {
	let stopping: Promise<void> | undefined;
	const stop = async (): Promise<void> => {
		stopping ??= Promise.all([mongo.stop(), s3.stop()]).then(() => undefined);
		return stopping;
	};

	if (handleSignals) {
		stopOnSignals(stop);
	}

	return {
		mongodbUri: mongo.uri,
		mongodbFlavor: mongo.flavor,
		s3: s3.config,
		s3Flavor: s3.flavor,
		logFiles: {mongodb: mongo.logFile, s3: s3.logFile},
		readyMs: {mongodb: Math.round(mongo.readyMs), s3: Math.round(s3.readyMs)},
		crashed: Promise.race([mongo.crashed, s3.crashed]),
		stop,
	};
}

/** The environment tests and benchmarks see: where the servers are (MONARCH_TEST_*). */
export function servicesEnv(services: Services): NodeJS.ProcessEnv {
	return {
		...process.env,
		MONARCH_TEST_MONGODB_URI: services.mongodbUri,
		MONARCH_TEST_MONGODB_FLAVOR: services.mongodbFlavor,
		MONARCH_TEST_S3_ENDPOINT: services.s3.endpoint,
		MONARCH_TEST_S3_REGION: services.s3.region,
		MONARCH_TEST_S3_ACCESS_KEY_ID: services.s3.accessKeyId,
		MONARCH_TEST_S3_SECRET_ACCESS_KEY: services.s3.secretAccessKey,
		MONARCH_TEST_S3_BUCKET: services.s3.bucket,
		AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
	};
}

function mongoChoiceFromEnv(): MongoChoice {
	const value = process.env.MONARCH_TEST_MONGODB_SERVER;
	if (value === undefined || value === '') {
		return 'auto';
	}

	if (value === 'auto' || value === 'ferretdb' || value === 'mongod') {
		return value;
	}

	throw new Error(`MONARCH_TEST_MONGODB_SERVER must be auto, ferretdb or mongod, not ${JSON.stringify(value)}`);
}

/** On the first signal stop gracefully and exit 128+n; a second signal exits at once (the exit hook still kills the servers). */
function stopOnSignals(stop: () => Promise<void>): void {
	const signals = {SIGINT: 2, SIGTERM: 15, SIGHUP: 1} as const;
	let received = false;
	for (const [signal, number] of Object.entries(signals)) {
		process.on(signal, () => {
			if (received) {
				process.exit(128 + number);
			}

			received = true;
			void stop().finally(() => process.exit(128 + number));
		});
	}
}

/** `.cache/servers/logs/<server>-<pid>.log`: unique per process, so parallel runs never share a log. */
function logFile(server: string): string {
	return path.join(logDir, `${server}-${process.pid}.log`);
}

/** Keeps `.cache/servers/logs` from growing: logs older than a day go. */
async function pruneOldLogs(): Promise<void> {
	const dayAgo = Date.now() - 24 * 60 * 60 * 1000;
	const entries = await fs.readdir(logDir).catch(() => []); // no folder yet: nothing to prune
	for (const entry of entries) {
		const file = path.join(logDir, entry);
		const stat = await fs.stat(file).catch(() => undefined);
		if (stat && stat.mtimeMs < dayAgo) {
			await fs.rm(file, {force: true});
		}
	}
}
