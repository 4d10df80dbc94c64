import type {Collection, Db} from 'mongodb';
import {historyCollection} from '../collections.js';
import type {RunnerIdentity} from '../version.js';

export {historyCollection};

/** The seed's states. A migration with no history entry is `New`. */
export type MigrationState = 'New' | 'Processing' | 'Completed' | 'Failed';

/** One document of `monarch_migrations`. */
export type HistoryEntry = {
	/** The migration's key (its file name without extension). */
	_id: string;
	/** The migration's class name (its key for a baseline entry, whose code is never loaded). */
	name: string;
	state: Exclude<MigrationState, 'New'>;
	startedAt: Date;
	finishedAt?: Date;
	durationMs?: number;
	/** sha256 of the file that ran. */
	checksum: string;
	error?: {message: string; stack?: string};
	ranBy: RunnerIdentity;
	monarchVersion: string;
	/** The lock lease under which it ran. */
	lockToken?: string;
	/** Recorded as Completed by `mark_applied` without running (a snapshot, or applied by hand). */
	baseline?: boolean;
	/** The safety backup taken of a protected environment before the run this entry belongs to (none with `--no-safety-backup`). */
	safetyBackup?: {store: string; archive: string};
	/** The id of the stored rehearsal report the run relied on (a passing one), or, with `unrehearsed`, the one the gate refused. */
	rehearsal?: string;
	/** Ran with `--unrehearsed` past the rehearsal gate of its environment (`migrate.requireRehearsal`): no passing rehearsal of this pending set was young enough. */
	unrehearsed?: boolean;
};

export function history(db: Db): Collection<HistoryEntry> {
	return db.collection<HistoryEntry>(historyCollection);
}

export async function readHistory(db: Db): Promise<Map<string, HistoryEntry>> {
	const entries = await history(db).find({}).toArray();
	return new Map(entries.map(entry => [entry._id, entry]));
}
