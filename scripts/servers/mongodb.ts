import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {MongoClient} from 'mongodb';
import {type ServerProcess, ServerStartError, spawnServer} from './process.js';
import {freePort, waitUntilReady} from './ready.js';

/** Which MongoDB-compatible server answers at the URI. */
export type MongoFlavor = 'ferretdb' | 'mongod' | 'external';

/** Which server to start: `auto` prefers a `mongod` on PATH, else FerretDB. */
export type MongoChoice = 'auto' | 'ferretdb' | 'mongod';

/** A ready MongoDB-compatible server. */
export interface MongoService {
	uri: string;
	flavor: MongoFlavor;
	/** Log file of a server we started. */
	logFile?: string;
	/** Milliseconds from launch until the first successful ping. */
	readyMs: number;
	/** Resolves with a message if the server we started dies before `stop()`. */
	crashed: Promise<string>;
	stop(): Promise<void>;
}

/** Options for {@link startMongo}. */
export interface StartMongoOptions {
	choice: MongoChoice;
	/** Path of our FerretDB binary (see ensureServerBinaries). */
	ferretdbBinary: string;
	/** Log file path for the named server. */
	logFile: (server: string) => string;
	timeoutMs: number;
	/** A folder to keep FerretDB's data in across runs (default: a temp folder removed on stop). */
	dataDir?: string;
}

/** A MongoDB someone else runs (MONARCH_TEST_MONGODB_URI), once it answers; stopping it does nothing. */
export async function useExternalMongo(uri: string, timeoutMs: number): Promise<MongoService> {
	const readyMs = await waitUntilReady({name: `MongoDB at ${uri}`}, timeoutMs, async () => ping(uri));
	return {uri, flavor: 'external', readyMs, crashed: new Promise(() => {}), stop: async () => {}};
}

/**
 * Starts `mongod` or FerretDB on a free loopback port (with a temp data
 * folder unless one is given), and waits until a real ping succeeds.
 */
export async function startMongo(options: StartMongoOptions): Promise<MongoService> {
	// zx loads only here: `npm start` with a server already answering never pays for it.
	const mongod = options.choice === 'ferretdb' ? null : await (await import('zx')).which('mongod', {nothrow: true});
	if (options.choice === 'mongod' && !mongod) {
		throw new ServerStartError('mongod was requested but is not on PATH');
	}

	return mongod ? startMongod(mongod, options) : startFerretdb(options);
}

/** Resolves once `uri` answers a ping; rejects after a short attempt. */
export async function ping(uri: string, timeoutMs = 2000): Promise<void> {
	const client = new MongoClient(uri, {serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs});
	try {
		await client.db('admin').command({ping: 1});
	} finally {
		await client.close();
	}
}

async function startFerretdb(options: StartMongoOptions): Promise<MongoService> {
	const keep = options.dataDir !== undefined;
	const dataDir = options.dataDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'monarch-ferretdb-')));
	await fs.mkdir(dataDir, {recursive: true});
	const server = await spawnServer({
		name: 'ferretdb',
		command: options.ferretdbBinary,
		args: ['-listen', '127.0.0.1:0', '-data', dataDir, '-log-level', 'warn'],
		logFile: options.logFile('ferretdb'),
		cleanup: keep ? [] : [dataDir],
	});
	const started = performance.now();
	try {
		// FerretDB binds port 0 itself and prints the resulting URI.
		const timer = setTimeout(() => server.child.kill('SIGKILL'), options.timeoutMs);
		const uri = await server.firstLine.finally(() => clearTimeout(timer));
		if (uri === undefined) {
			// stdout closed: the process is exiting (or we killed it on timeout).
			const {code, signal} = await server.exited;
			const message =
				signal === 'SIGKILL'
					? `ferretdb printed no URI within ${Math.round(options.timeoutMs / 1000)}s`
					: `ferretdb exited with ${signal ?? `code ${code}`} before printing its URI`;
			throw new ServerStartError(message, server.logFile, true);
		}

		if (!uri.startsWith('mongodb://')) {
			throw new ServerStartError(`ferretdb printed ${JSON.stringify(uri)} instead of its URI`, server.logFile);
		}

		await waitUntilReady(server, options.timeoutMs, async () => ping(uri));
		return {
			uri,
			flavor: 'ferretdb',
			logFile: server.logFile,
			readyMs: performance.now() - started,
			crashed: server.crashed,
			stop: server.stop,
		};
	} catch (error) {
		await server.stop();
		throw error;
	}
}

async function startMongod(command: string, options: StartMongoOptions): Promise<MongoService> {
	// The port is found before mongod binds it, so retry if someone else was faster.
	for (let attempt = 1; ; attempt++) {
		const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'monarch-mongod-'));
		const port = await freePort();
		const server: ServerProcess = await spawnServer({
			name: 'mongod',
			command,
			args: ['--dbpath', dataDir, '--port', String(port), '--bind_ip', '127.0.0.1', '--nounixsocket', '--wiredTigerCacheSizeGB', '0.25'],
			logFile: options.logFile('mongod'),
			cleanup: [dataDir],
		});
		const uri = `mongodb://127.0.0.1:${port}/`;
		try {
			const readyMs = await waitUntilReady(server, options.timeoutMs, async () => ping(uri));
			return {uri, flavor: 'mongod', logFile: server.logFile, readyMs, crashed: server.crashed, stop: server.stop};
		} catch (error) {
			await server.stop();
			// An early exit most likely means another process took the port: try another.
			if (attempt >= 3 || !(error instanceof ServerStartError && error.exitedEarly)) {
				throw error;
			}
		}
	}
}
