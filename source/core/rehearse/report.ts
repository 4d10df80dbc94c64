/**
 * What `monarch rehearse <env>` reports: the source's pending migrations run
 * on a scratch copy of it, with what they changed. The CLI prints it as text
 * or `--json`; the TUI's Migrations panel shows it after `R`.
 */
export type RehearsalReport = {
	/** The environment rehearsed (never written to). */
	source: {environment: string; database: string};
	/** Where the scratch copy lived: the rehearsal environment's server, database `<database>_rehearsal_<stamp>`. */
	scratch: {environment: string; database: string; /** `--keep`: the database was left for inspection. */ kept: boolean};
	/** When the copy of the source was taken (ISO 8601, UTC). */
	takenAt: string;
	/** `-q`: the QuerySet whose part of the source was copied, with its answers. */
	querySet: {name: string; answers: Record<string, unknown>} | null;
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

export type RehearsedMigration = {
	key: string;
	/** `NotRun`: an earlier one failed, so it was never started. */
	state: 'Completed' | 'Failed' | 'NotRun';
	durationMs: number | undefined;
	/** With a QuerySet: `durationMs` scaled by sourceDocuments / documents copied. An estimate. */
	estimatedMs: number | undefined;
	/** The first line of its error, when it failed. */
	error: string | undefined;
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
	failed: {key: string; error: string} | undefined;
	/** One line: `All 2 pending migrations passed on a copy of production taken at 2026-11-28 21:50:03 UTC`, or which one failed and why. */
	line: string;
};
