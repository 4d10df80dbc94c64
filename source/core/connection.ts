import type {Db, MongoClient} from 'mongodb';
import {clientOptions} from './client-options.js';
import type {Environment} from './environments.js';
import {MonarchError} from './errors.js';
import type {EventSink} from './events.js';
import {findInterruptedSwap, finishInterruptedSwap, type InterruptedSwap} from './interrupted-swap.js';
import {redact} from './redact.js';

export type Connection = {
	client: MongoClient;
	db: Db;
	/** For `read` access: the swap a killed restore or copy left half-done in this database, if any. */
	interruptedSwap: InterruptedSwap | undefined;
	close: () => Promise<void>;
};

/**
 * What a command does with the environment it opens. `write`: a swap that a
 * killed restore or copy left half-done there is finished first, under the
 * restore lock, with a `swap:recovered` event. `read`: it is reported
 * (`swap:interrupted`, and `interruptedSwap` on the connection), and nothing
 * is changed.
 */
export type ConnectOptions =
	| {access: 'read'; events?: EventSink | undefined}
	| {access: 'write'; lock: {leaseMs: number; waitMs: number}; events?: EventSink | undefined; signal?: AbortSignal | undefined};

/**
 * Opens an environment: the one way every command reaches its database.
 * Connects, failing with a one-line, password-free message, then deals with an
 * interrupted swap as `options.access` says.
 */
export async function connect(environment: Environment, options: ConnectOptions): Promise<Connection> {
	// The driver loads on the first connection (the TUI draws before it).
	const {MongoClient} = await import('mongodb');
	const client = new MongoClient(environment.uri, clientOptions());
	try {
		await client.connect();
		await client.db(environment.database).command({ping: 1});
	} catch (error) {
		await client.close().catch(() => {});
		throw connectionError(environment, error);
	}

	const db = client.db(environment.database);
	let interruptedSwap: InterruptedSwap | undefined;
	try {
		if (options.access === 'write') {
			await finishInterruptedSwap(db, options);
		} else {
			interruptedSwap = await findInterruptedSwap(db, environment);
			if (interruptedSwap) options.events?.({type: 'swap:interrupted', swap: interruptedSwap});
		}
	} catch (error) {
		await client.close().catch(() => {});
		throw error;
	}

	return {client, db, interruptedSwap, close: async () => client.close()};
}

export function connectionError(environment: Pick<Environment, 'name' | 'hosts' | 'displayUri'>, error: unknown): MonarchError {
	const reason = redact(error instanceof Error ? error.message : String(error)).split('\n')[0];
	return new MonarchError('connection', `Cannot reach environment "${environment.name}" at ${environment.hosts.join(',') || environment.displayUri}: ${reason}`, {
		hint: 'check that the server is running and the uri in monarch.json',
		cause: error,
	});
}
