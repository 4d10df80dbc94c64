import type {Db} from 'mongodb';
import type {Environment} from './environments.js';
import {describeError, isMonarchError, MonarchError} from './errors.js';
import {type EventSink, type InterruptedSwap, ignoreEvents} from './events.js';
import {acquireLock, liveLock} from './lease-lock.js';
import {finishInterruptedSwaps, restoreLockName, swapJournals} from './swap-journal.js';

export type {InterruptedSwap} from './events.js';

/** The swap interrupted in `db`, if any (a run swapping now, whose restore lock is live, is not interrupted). Reads only. */
export async function findInterruptedSwap(
	db: Db,
	environment: Pick<Environment, 'name' | 'database'>,
): Promise<InterruptedSwap | undefined> {
	const [journal] = await swapJournals(db);
	if (!journal || (await liveLock(db, restoreLockName))) return undefined;
	return {
		environment: environment.name,
		database: environment.database,
		run: journal.label ?? 'a restore or copy',
		runId: journal.runId,
		startedAt: journal.startedAt,
		finishWith: `monarch recover ${environment.name}`,
	};
}

export type FinishSwapOptions = {
	/** The project's lock settings (`lock` in monarch.json). */
	lock: {leaseMs: number; waitMs: number};
	events?: EventSink | undefined;
	signal?: AbortSignal | undefined;
};

/**
 * Finishes a swap interrupted in `db`, under the restore lock (so a run that
 * is swapping now finishes its own first), emitting `swap:recovered`. Costs one
 * query when there is none.
 */
export async function finishInterruptedSwap(db: Db, options: FinishSwapOptions): Promise<void> {
	if ((await swapJournals(db)).length === 0) return;
	const events = options.events ?? ignoreEvents;
	const lock = await acquireLock(db, restoreLockName, {...options.lock, events, signal: options.signal});
	try {
		await finishInterruptedSwaps(db, events);
	} catch (error) {
		if (isMonarchError(error)) throw error;
		throw new MonarchError(
			'internal',
			`Cannot finish the swap that a killed restore or copy left half-done in database ${db.databaseName}: ${describeError(error)}`,
			{
				hint: 'every collection it needs is loaded and its journal is kept; check the server, then run the command again',
				cause: error,
			},
		);
	} finally {
		await lock.release().catch(() => {});
	}
}
