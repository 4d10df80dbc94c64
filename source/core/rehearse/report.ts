import type {Environment} from '../environments.js';
import {firstLine} from '../errors.js';
import type {MigrationOutcome} from '../migrations/run.js';
import {partCopied, type RehearsedSubset} from '../part-words.js';
import {counted} from '../plural.js';

export {partCopied, type RehearsedSubset};

/**
 * What `monarch rehearse <env>` reports: the source's pending migrations run
 * on a scratch copy of it, with what they changed. The CLI prints it as text
 * or `--json`; the TUI's Migrations panel shows it after `R`.
 */
export type RehearsalReport = {
	/**
	 * The report's id, `<environment>-<YYYYMMDDTHHMMSSmmmZ>-<6 hex>` (the copy's time as the server saw it, then a
	 * random part): unique, sorted by time within an environment; its stored object is `rehearsals/<id>.json`.
	 */
	id: string;
	/** The environment rehearsed (never written to). */
	source: {environment: string; database: string};
	/** Where the scratch copy lived: the rehearsal environment's server, database `<database>_rehearsal_<stamp>`. */
	scratch: {environment: string; database: string /** `--keep`: the database was left for inspection. */; kept: boolean};
	/**
	 * When the copy of the source was taken (ISO 8601, UTC), as the source's server saw it (its `hello`'s
	 * `localTime`), never the rehearsing machine's clock: a rehearsal's age is measured from it.
	 */
	takenAt: string;
	/** Every migration pending on the source when the copy was taken (its name and the sha256 of its file, as history records it), in order; empty when nothing was pending. */
	pending: PendingMigration[];
	/** The copy was scrubbed (`--scrub`, or `rehearsal.scrub` of monarch.json). */
	scrubbed: boolean;
	/** monarch's version that ran the rehearsal. */
	monarchVersion: string;
	/** Who ran it: `user@host`. */
	ranBy: string;
	/** `-q`: the QuerySet whose part of the source was copied, with its answers. */
	querySet: {name: string; answers: Record<string, unknown>} | null;
	/** `--subset` (or a QuerySet's `static subset`): the slice copied, following the references. Absent in reports written before subsets. */
	subset?: RehearsedSubset | null;
	/** Documents copied, and (with a QuerySet) the documents of the same collections on the source, for the estimate. */
	copied: {collections: number; documents: number; sourceDocuments: number};
	/** The copy's duration (ms). */
	copyMs: number;
	/** Every migration that was pending on the source, in order. */
	migrations: RehearsedMigration[];
	/** Every data collection present before or after the migrations (monarch's own left out), by name. */
	collections: CollectionChange[];
	verdict: RehearsalVerdict;
};

/** A pending migration as the report names it: its key and its file's sha256 (`MigrationFile.checksum`). */
export type PendingMigration = {key: string; checksum: string};

/** What dates and names a rehearsal, made before its copy: the report's fields that are not the outcome's. */
export type RehearsalStamp = Pick<RehearsalReport, 'id' | 'takenAt' | 'pending' | 'scrubbed' | 'monarchVersion' | 'ranBy'>;

export type RehearsedMigration = {
	key: string;
	/** `NotRun`: an earlier one failed, so it was never started. */
	state: 'Completed' | 'Failed' | 'NotRun';
	durationMs?: number | undefined;
	/** With a QuerySet: `durationMs` scaled by sourceDocuments / documents copied. An estimate. */
	estimatedMs?: number | undefined;
	/** The first line of its error, when it failed. */
	error?: string | undefined;
	/** What it logged through `this.log`, in order. */
	log: string[];
};

export type CollectionChange = {
	name: string;
	/** Documents before and after the migrations. */
	before: number;
	after: number;
	/** By `_id`: present only after, present only before, present in both with a different hash. */
	inserted: number;
	deleted: number;
	changed: number;
	/** Index names (`_id_` excluded). */
	indexesAdded: string[];
	indexesDropped: string[];
};

export type RehearsalVerdict = {
	/** True when every pending migration completed (also when none was pending). */
	passed: boolean;
	pending: number;
	/** The migration that failed, with its error. */
	failed?: {key: string; error: string} | undefined;
	/** One line: `All 2 pending migrations passed on a copy of production taken at 2026-11-28 21:50:03 UTC`, or which one failed and why. */
	line: string;
};

/** What a rehearsal on its scratch database gives its report. */
export type ScratchOutcome = {
	source: Environment;
	/** The rehearsal environment, whose server held the scratch database. */
	target: Environment;
	scratch: Environment;
	stamp: RehearsalStamp;
	copy: Pick<RehearsalReport, 'querySet' | 'subset' | 'copied' | 'copyMs'>;
	/** `migrate`'s outcomes on the scratch database. */
	migrations: MigrationOutcome[];
	/** What each migration logged, by key. */
	logs: Map<string, string[]>;
	collections: CollectionChange[];
};

/** The report: each migration's outcome (durations scaled to the source with a QuerySet), the diff, and the verdict in one line. */
export function rehearsalReport(outcome: ScratchOutcome): RehearsalReport {
	const {source, target, scratch, stamp, copy} = outcome;
	const {copied, querySet} = copy;
	const {sourceDocuments, documents} = copied;
	const partial = partCopied(copy) !== undefined;
	const estimate = (durationMs: number | undefined) =>
		partial && durationMs !== undefined ? Math.round((durationMs * sourceDocuments) / Math.max(1, documents)) : undefined;
	const migrations = outcome.migrations.map(
		({key, state, durationMs, error}): RehearsedMigration => ({
			key,
			state,
			durationMs,
			estimatedMs: estimate(durationMs),
			error: error === undefined ? undefined : firstLine(error).trim(),
			log: outcome.logs.get(key) ?? [],
		}),
	);
	return {
		id: stamp.id,
		source: {environment: source.name, database: source.database},
		scratch: {environment: target.name, database: scratch.database, kept: false},
		takenAt: stamp.takenAt,
		pending: stamp.pending,
		scrubbed: stamp.scrubbed,
		monarchVersion: stamp.monarchVersion,
		ranBy: stamp.ranBy,
		querySet,
		subset: copy.subset ?? null,
		copied,
		copyMs: copy.copyMs,
		migrations,
		collections: outcome.collections,
		verdict: verdictOf(outcome, migrations),
	};
}

/** The verdict: passed, or the migration that failed with the first line of its error, in one line naming the copy. */
function verdictOf({source, stamp, copy}: ScratchOutcome, migrations: RehearsedMigration[]): RehearsalVerdict {
	const failedMigration = migrations.find(migration => migration.state === 'Failed');
	const failed = failedMigration ? {key: failedMigration.key, error: failedMigration.error ?? ''} : undefined;
	const part = partCopied(copy);
	const what = part ? `${source.name} (${part})` : source.name;
	const at = `${stamp.takenAt.slice(0, 19).replace('T', ' ')} UTC`;
	const passedCount = migrations.filter(migration => migration.state === 'Completed').length;
	const pending = migrations.length;
	const line = failed
		? `${failed.key} failed on a copy of ${what} taken at ${at}: ${failed.error} (${passedCount} of ${counted(pending, 'pending migration')} passed before it)`
		: `${pending === 1 ? 'The 1 pending migration' : `All ${pending} pending migrations`} passed on a copy of ${what} taken at ${at}`;
	return {passed: failed === undefined, pending, failed, line};
}

/** The report when nothing is pending: nothing was copied, no database made (`scratch.database` is empty); `takenAt` is when the history was read. */
export function nothingPending(source: Environment, target: Environment, migrations: number, stamp: RehearsalStamp): RehearsalReport {
	const all = migrations === 1 ? `the one migration of ${source.name} is` : `all ${migrations} migrations of ${source.name} are`;
	return {
		id: stamp.id,
		source: {environment: source.name, database: source.database},
		scratch: {environment: target.name, database: '', kept: false},
		takenAt: stamp.takenAt,
		pending: stamp.pending,
		scrubbed: stamp.scrubbed,
		monarchVersion: stamp.monarchVersion,
		ranBy: stamp.ranBy,
		querySet: null,
		subset: null,
		copied: {collections: 0, documents: 0, sourceDocuments: 0},
		copyMs: 0,
		migrations: [],
		collections: [],
		verdict: {passed: true, pending: 0, failed: undefined, line: `Nothing to rehearse: ${all} completed`},
	};
}
