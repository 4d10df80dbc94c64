import type {InterruptedSwap} from '../interrupted-swap.js';
import type {LockInfo} from '../lease-lock.js';
import type {AbandonedScratch} from '../scratch-databases.js';
import type {MigrationFile} from './discover.js';
import type {HistoryEntry, MigrationState} from './history.js';

/** A migration file joined with its history in one environment. */
export type MigrationStatus = {
	key: string;
	file: string;
	state: MigrationState;
	finishedAt: Date | undefined;
	durationMs: number | undefined;
	/** A completed migration whose file changed since it ran. */
	drift: boolean;
	error: HistoryEntry['error'];
	/** `Processing` with no live lock: the process running it died. */
	interrupted: boolean;
	/** Recorded as Completed by `mark_applied`, never run by monarch (`joinHistory` always sets it). */
	baseline?: boolean;
	/** The safety backup taken before the run it was part of, when one was. */
	safetyBackup?: HistoryEntry['safetyBackup'] | undefined;
	/** The stored rehearsal report its run relied on (or, with `unrehearsed`, the one the gate refused). */
	rehearsal?: string | undefined;
	/** Its run went past the rehearsal gate (`--unrehearsed`). */
	unrehearsed?: boolean | undefined;
};

export type MigrationsReport = {
	environment: string;
	database: string;
	migrations: MigrationStatus[];
	/** History entries whose file is gone. */
	orphans: HistoryEntry[];
	pending: number;
	/** The database is half-swapped by a restore or copy killed during its swap (a command that writes finishes it). */
	interruptedSwap?: InterruptedSwap;
	/** Scratch databases on this server that killed rehearsals left (a command that writes drops them). */
	abandonedScratch?: AbandonedScratch[];
	/** The migrations lock while one is held, whatever its state (a `gone` or `expired` one is taken over by the next run, or removed by `unlock`). */
	lock?: LockInfo;
};

/** Joins files and history. `lockHeld` tells whether a live run holds the lock. */
export function joinHistory(
	files: MigrationFile[],
	entries: Map<string, HistoryEntry>,
	lockHeld: boolean,
): Omit<MigrationsReport, 'environment' | 'database'> {
	const migrations = files.map((file): MigrationStatus => {
		const entry = entries.get(file.key);
		const state = entry?.state ?? 'New';
		return {
			key: file.key,
			file: file.file,
			state,
			finishedAt: entry?.finishedAt,
			durationMs: entry?.durationMs,
			drift: state === 'Completed' && entry?.checksum !== file.checksum,
			error: entry?.error,
			interrupted: state === 'Processing' && !lockHeld,
			baseline: state === 'Completed' && entry?.baseline === true,
			safetyBackup: entry?.safetyBackup,
			rehearsal: entry?.rehearsal,
			unrehearsed: entry?.unrehearsed,
		};
	});
	const keys = new Set(files.map(file => file.key));
	const orphans = [...entries.values()].filter(entry => !keys.has(entry._id)).sort((a, b) => a._id.localeCompare(b._id));
	return {migrations, orphans, pending: migrations.filter(migration => migration.state !== 'Completed').length};
}
