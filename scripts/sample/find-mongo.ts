/**
 * Which MongoDB `npm start` runs the sample on, starting our own FerretDB
 * when no other answers.
 */
import {readdir, rename, rm} from 'node:fs/promises';
import net from 'node:net';
import {redactUri} from '../../source/core/redact.js';
import {ensureServerBinaries} from '../servers/binaries.js';
import {type MongoService, ping, startMongo} from '../servers/mongodb.js';
import {relative} from '../servers/paths.js';
import {ServerStartError} from '../servers/process.js';

export type FindMongoOptions = {
	/** MONARCH_MONGODB_URI: when set, that server and no other. */
	explicitUri?: string | undefined;
	/** The server of a running `npm run services`, if any. */
	servicesUri?: () => Promise<string | undefined>;
	/** The usual local MongoDB (default mongodb://127.0.0.1:27017/). */
	defaultUri?: string;
	/** Where our FerretDB keeps the sample's data across runs. */
	dataDir: string;
	logFile: (server: string) => string;
	/** One line per thing worth saying. */
	log: (line: string) => void;
};

/** A MongoDB for the sample, and the server we started for it (to stop when done), if any. */
export type FoundMongo = {uri: string; server?: MongoService};

/**
 * The MongoDB for `npm start`'s sample: the explicit URI (which must answer:
 * the user asked for that one), else `npm run services`' server, else a
 * MongoDB at the default URI, else our own FerretDB on `dataDir`. A default
 * address that answers but not as a MongoDB is said so in one line and passed
 * over; kept data FerretDB cannot open is moved aside, never deleted.
 */
export async function findMongo(options: FindMongoOptions): Promise<FoundMongo> {
	const {log} = options;
	const explicit = options.explicitUri;
	if (explicit) {
		try {
			await ping(explicit, 5000);
			return {uri: explicit};
		} catch (error) {
			throw new Error(
				`MONARCH_MONGODB_URI (${redactUri(explicit)}) did not answer as a MongoDB (${firstLine(error)}): start that server, or unset MONARCH_MONGODB_URI to let npm start run its own`,
			);
		}
	}

	const services = await options.servicesUri?.();
	if (services) return {uri: services};

	const defaultUri = options.defaultUri ?? 'mongodb://127.0.0.1:27017/';
	try {
		await ping(defaultUri, 1000);
		return {uri: defaultUri};
	} catch (error) {
		const {hostname, port} = new URL(defaultUri);
		if (await listens(hostname, Number(port || 27017)))
			log(`${hostname}:${port || 27017} answers but not as a MongoDB (${firstLine(error)}); leaving it alone`);
	}

	const {dataDir} = options;
	log(`no MongoDB answered; starting FerretDB for the sample (data kept in ${relative(dataDir)})`);
	const binaries = await ensureServerBinaries({ferretdb: true, versitygw: false, log});
	const start = async () =>
		startMongo({
			choice: 'ferretdb',
			ferretdbBinary: binaries.ferretdb,
			logFile: options.logFile,
			timeoutMs: 30_000,
			dataDir,
		});
	const server = await start().catch(async (error: unknown) => startAfterMovingData(error, dataDir, start, log));
	return {uri: server.uri, server};
}

/**
 * FerretDB would not start on the kept sample data (say, a `.cache/` from an
 * older version): try once with that folder moved aside, never deleted. If
 * FerretDB fails on fresh data too, the data was not the cause: it goes back
 * and the first error stands.
 */
async function startAfterMovingData(
	error: unknown,
	dataDir: string,
	start: () => Promise<MongoService>,
	log: (line: string) => void,
): Promise<MongoService> {
	const kept = await readdir(dataDir).catch(() => []);
	if (!(error instanceof ServerStartError) || kept.length === 0) throw error;
	const aside = `${dataDir}.unreadable-${new Date().toISOString().replaceAll(/[:.]/g, '-')}`;
	await rename(dataDir, aside);
	try {
		const server = await start();
		log(
			`FerretDB could not open the sample data kept in ${relative(dataDir)} (${error.message}); moved it to ${relative(aside)} and started on fresh sample data`,
		);
		return server;
	} catch {
		await rm(dataDir, {recursive: true, force: true});
		await rename(aside, dataDir);
		throw error;
	}
}

/** True when something accepts TCP connections at host:port. */
async function listens(host: string, port: number): Promise<boolean> {
	return new Promise(resolve => {
		const socket = net.connect({host, port, timeout: 1000});
		const done = (result: boolean) => {
			socket.destroy();
			resolve(result);
		};

		socket.once('connect', () => done(true));
		socket.once('error', () => done(false));
		socket.once('timeout', () => done(false));
	});
}

function firstLine(error: unknown): string {
	return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
