import type {Db, MongoClient} from 'mongodb';
import {clientOptions} from './client-options.js';
import type {Environment} from './environments.js';
import {firstLine, MonarchError} from './errors.js';
import type {EventSink} from './events.js';
import {findInterruptedSwap, finishInterruptedSwap, type InterruptedSwap} from './interrupted-swap.js';
import {redact} from './redact.js';
import {type AbandonedScratch, dropAbandonedScratch, findAbandonedScratch} from './scratch-databases.js';

export type Connection = {
	client: MongoClient;
	db: Db;
	/** For `read` access: the swap a killed restore or copy left half-done in this database, if any. */
	interruptedSwap: InterruptedSwap | undefined;
	/** For `read` access: scratch databases on this server that killed rehearsals left (see scratch-databases.ts). */
	abandonedScratch: AbandonedScratch[];
	close: () => Promise<void>;
};

/**
 * What a command does with the environment it opens. `write`: a swap that a
 * killed restore or copy left half-done there is finished first, under the
 * restore lock, with a `swap:recovered` event, and the scratch databases that
 * killed rehearsals left on its server are dropped (`scratch:dropped` each).
 * `read`: both are reported (`swap:interrupted` and `interruptedSwap`,
 * `scratch:abandoned` and `abandonedScratch`), and nothing is changed.
 */
export type ConnectOptions =
	| {access: 'read'; events?: EventSink | undefined}
	| {access: 'write'; lock: {leaseMs: number; waitMs: number}; events?: EventSink | undefined; signal?: AbortSignal | undefined};

/**
 * Opens an environment: the one way every command reaches its database.
 * Connects, failing with a one-line, password-free message, then deals with an
 * interrupted swap and abandoned scratch databases as `options.access` says.
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
	let abandonedScratch: AbandonedScratch[] = [];
	try {
		if (options.access === 'write') {
			await finishInterruptedSwap(db, options);
			await dropAbandonedScratch(client, {environment: environment.name, events: options.events});
		} else {
			interruptedSwap = await findInterruptedSwap(db, environment);
			if (interruptedSwap) options.events?.({type: 'swap:interrupted', swap: interruptedSwap});
			abandonedScratch = await findAbandonedScratch(client, options.events);
			if (abandonedScratch.length > 0)
				options.events?.({type: 'scratch:abandoned', environment: environment.name, databases: abandonedScratch});
		}
	} catch (error) {
		await client.close().catch(() => {});
		throw error;
	}

	return {client, db, interruptedSwap, abandonedScratch, close: async () => client.close()};
}

export function connectionError(environment: Pick<Environment, 'name' | 'hosts' | 'displayUri'>, error: unknown): MonarchError {
	const reason = firstLine(redact(error instanceof Error ? error.message : String(error)));
	return new MonarchError(
		'connection',
		`Cannot reach environment "${environment.name}" at ${environment.hosts.join(',') || environment.displayUri}: ${reason}`,
		{
			hint: 'check that the server is running and the uri in monarch.json',
			cause: error,
		},
	);
}
