import {availableParallelism} from 'node:os';
import {MonarchError} from '../errors.js';

/**
 * How many insert workers a restore or copy runs (insert-pool.ts); 0 inserts
 * on the main thread. By default: none on a machine of 2 cores or fewer,
 * else one per core but the one the main thread keeps busy (reading,
 * decompressing, checking), at most 4. Measured on 2 cores against FerretDB
 * (issue 11's note): one worker cost 0.85 s more CPU per 100k documents and
 * 25 MB more memory than the main thread, with no gain in wall time, since
 * raw inserts left the main thread little to hand over. `--workers` /
 * `workers` choose another count, from 0 to {@link maxWorkers}. A small file
 * of its own, so the CLI checks `--workers` without loading the pool.
 */

/** The most workers `--workers` takes (each is a thread with its own connections). */
export const maxWorkers = 64;
const defaultCeiling = 4;

/** The pool size when none is given: 0 (the main thread) on 2 cores or fewer, else the cores Node may use less one, at most 4. */
export function defaultWorkers(cores = availableParallelism()): number {
	return cores <= 2 ? 0 : Math.min(defaultCeiling, cores - 1);
}

/** Whether `workers` is a pool size monarch takes. */
export function isWorkerCount(workers: number): boolean {
	return Number.isInteger(workers) && workers >= 0 && workers <= maxWorkers;
}

/** Throws a one-line usage error unless `workers` is undefined (the default) or a whole number from 0 to {@link maxWorkers}. */
export function checkWorkers(workers: number | undefined): void {
	if (workers === undefined || isWorkerCount(workers)) return;
	throw new MonarchError('usage', `workers: ${String(workers)} is not a whole number from 0 to ${maxWorkers}; nothing was changed`, {
		hint: 'leave it out for the default, or 0 to insert on the main thread',
	});
}
