import type {MongoClient} from 'mongodb';
import type {Environment} from './environments.js';
import {firstLine} from './errors.js';
import {findInterruptedSwap, type InterruptedSwap} from './interrupted-swap.js';
import {redact} from './redact.js';
import {type AbandonedScratch, findAbandonedScratch} from './scratch-databases.js';

/** What a quick look at an environment's server found. */
export type EnvironmentStatus =
	| {
			environment: string;
			reachable: true;
			/** Round trip of one `ping` command once connected (ms). */
			latencyMs: number;
			collections: number;
			/** Uncompressed size of the documents (dbStats `dataSize`, bytes). */
			dataSize: number;
			/** The database is half-swapped by a restore or copy killed during its swap. */
			interruptedSwap?: InterruptedSwap;
			/** Scratch databases on this server that killed rehearsals left (a command that writes drops them). */
			abandonedScratch?: AbandonedScratch[];
			checkedAt: Date;
	  }
	| {
			environment: string;
			reachable: false;
			/** One line, password-free: why it could not be reached. */
			error: string;
			checkedAt: Date;
	  };

export type EnvironmentStatusOptions = {
	/** Give up after this long (ms, default 3000). */
	timeoutMs?: number;
	signal?: AbortSignal;
};

/**
 * Pings an environment and reads its collection count, data size, whether
 * it is half-swapped and the scratch databases killed rehearsals left on its
 * server (reading only).
 * Never throws: an unreachable or misconfigured environment comes back with
 * `reachable: false` and the reason.
 */
export async function environmentStatus(environment: Environment, options: EnvironmentStatusOptions = {}): Promise<EnvironmentStatus> {
	const timeoutMs = options.timeoutMs ?? 3000;
	const down = (error: string): EnvironmentStatus => ({environment: environment.name, reachable: false, error, checkedAt: new Date()});
	if (environment.missingVariables.length > 0) return down(`environment variable ${environment.missingVariables.join(', ')} is not set`);

	let client: MongoClient | undefined;
	let timer: NodeJS.Timeout | undefined;
	const work = (async (): Promise<EnvironmentStatus> => {
		// The driver loads on the first ping, not with the TUI's first frame.
		const {MongoClient} = await import('mongodb');
		client = new MongoClient(environment.uri, {serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs, appName: 'monarch'});
		await client.connect();
		const db = client.db(environment.database);
		const started = performance.now();
		await db.command({ping: 1});
		const latencyMs = performance.now() - started;
		const stats = await db.command({dbStats: 1});
		const interruptedSwap = await findInterruptedSwap(db, environment);
		const abandonedScratch = await findAbandonedScratch(client);
		return {
			environment: environment.name,
			reachable: true,
			latencyMs,
			collections: Number(stats.collections ?? 0),
			dataSize: Number(stats.dataSize ?? 0),
			...(interruptedSwap ? {interruptedSwap} : {}),
			...(abandonedScratch.length > 0 ? {abandonedScratch} : {}),
			checkedAt: new Date(),
		};
	})();
	const deadline = new Promise<never>((_resolve, reject) => {
		timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs + 500);
		options.signal?.addEventListener('abort', () => reject(new Error('cancelled')), {once: true});
	});
	try {
		return await Promise.race([work, deadline]);
	} catch (error) {
		work.catch(() => {});
		const message = error instanceof Error ? error.message : String(error);
		return down(firstLine(redact(message)));
	} finally {
		clearTimeout(timer);
		await (client as MongoClient | undefined)?.close().catch(() => {});
	}
}

export {formatBytes} from './format.js';
