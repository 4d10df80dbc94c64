import {MongoClient, type Db} from 'mongodb';
import type {Environment} from './environments.js';
import {MonarchError} from './errors.js';
import {redact} from './redact.js';

export type Connection = {client: MongoClient; db: Db; close: () => Promise<void>};

/** How long to look for a server before giving up (ms); `MONARCH_CONNECT_TIMEOUT_MS` overrides. */
export function connectTimeoutMs(): number {
	const fromEnvironment = Number(process.env.MONARCH_CONNECT_TIMEOUT_MS);
	return Number.isFinite(fromEnvironment) && fromEnvironment > 0 ? fromEnvironment : 5000;
}

/** Connects to an environment's server, failing with a one-line, password-free message. */
export async function connect(environment: Environment): Promise<Connection> {
	const client = new MongoClient(environment.uri, {
		serverSelectionTimeoutMS: connectTimeoutMs(),
		connectTimeoutMS: connectTimeoutMs(),
		appName: 'monarch',
	});
	try {
		await client.connect();
		await client.db(environment.database).command({ping: 1});
	} catch (error) {
		await client.close().catch(() => {});
		throw connectionError(environment, error);
	}

	return {client, db: client.db(environment.database), close: async () => client.close()};
}

export function connectionError(environment: Environment, error: unknown): MonarchError {
	const reason = redact(error instanceof Error ? error.message : String(error)).split('\n')[0];
	return new MonarchError('connection', `Cannot reach environment "${environment.name}" at ${environment.hosts.join(',') || environment.displayUri}: ${reason}`, {
		hint: 'check that the server is running and the uri in monarch.json',
		cause: error,
	});
}
