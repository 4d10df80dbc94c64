import {MonarchError} from '../core/errors.js';
import {isWorkerCount, maxWorkers} from '../core/restore/index.js';

/** `--workers <n>` on restore, copy_db and rehearse: the insert workers that load the target. */
export const workersFlag = '--workers <n>';
export const workersHelp = `insert workers (threads, one connection each) that load the target, 0 to insert on the main thread; default 0 on 2 cores or fewer, else one per core less one, at most 4 (0 to ${maxWorkers})`;

/** `--workers` as a number, or undefined when absent; anything but a whole number from 0 to 64 is a one-line usage error naming it. */
export function parseWorkers(value: string | undefined): number | undefined {
	if (value === undefined) return undefined;
	if (!/^\d+$/.test(value) || !isWorkerCount(Number(value))) {
		throw new MonarchError('usage', `--workers ${value}: must be a whole number from 0 to ${maxWorkers}; nothing was changed`, {
			hint: 'e.g. --workers 4, 0 for the main thread, or leave it out for the default',
		});
	}

	return Number(value);
}
