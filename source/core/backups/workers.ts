import {availableParallelism} from 'node:os';
import {MonarchError} from '../errors.js';

/**
 * How many insert workers a restore or copy runs (insert-pool.ts): one per
 * core by default, at most 8 (beyond that the server, not the client, is the
 * bottleneck); `--workers` / `workers` choose another count, from 1 to
 * {@link maxWorkers}. A small file of its own, so the CLI checks `--workers`
 * without loading the pool.
 */

/** The most workers `--workers` takes (each is a thread with its own connections). */
export const maxWorkers = 64;
const defaultCeiling = 8;

/** The pool size when none is given: the cores Node may use, from 1 to 8. */
export function defaultWorkers(): number {
	return Math.min(defaultCeiling, Math.max(1, availableParallelism()));
}

/** Whether `workers` is a pool size monarch takes. */
export function isWorkerCount(workers: number): boolean {
	return Number.isInteger(workers) && workers >= 1 && workers <= maxWorkers;
}

/** Throws a one-line usage error unless `workers` is undefined (the default) or a whole number from 1 to {@link maxWorkers}. */
export function checkWorkers(workers: number | undefined): void {
	if (workers === undefined || isWorkerCount(workers)) return;
	throw new MonarchError('usage', `workers: ${String(workers)} is not a whole number from 1 to ${maxWorkers}; nothing was changed`, {hint: 'leave it out for one insert worker per core'});
}
