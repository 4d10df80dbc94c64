import type {SubsetEstimate} from './subset-estimate.js';
import type {RunnerIdentity} from './version.js';

/**
 * A restore or copy killed during its swap leaves its target half-swapped:
 * some collections new, some old, on FerretDB one missing. Its journal (phase
 * `swap`, see backups/staging.ts) holds what it takes to finish. Every command
 * that opens an environment looks for one through `connect`: a command that
 * writes finishes it first ({@link finishInterruptedSwap}); a read-only one
 * reports it and changes nothing ({@link findInterruptedSwap}).
 */
export type InterruptedSwap = {
	environment: string;
	database: string;
	/** What was swapping, e.g. `restore development`. */
	run: string;
	runId: string;
	startedAt: Date;
	/** The command that finishes it, `monarch recover development` (any command that writes does too). */
	finishWith: string;
};

/** A scratch database left by a rehearsal that is no longer running. */
export type AbandonedScratch = {
	database: string;
	/** Who ran the rehearsal (from its marker). */
	owner: RunnerIdentity;
	/** `gone`: its process is gone from this machine; `expired`: it ran on another machine and its lease ran out. */
	reason: 'gone' | 'expired';
	expiredAt: Date;
};

/**
 * Typed events that long operations in the core emit. The CLI prints them as
 * lines and bars; the TUI renders them as progress bars and a log pane.
 */
export type MonarchEvent =
	| {type: 'log'; level: 'info' | 'warn' | 'debug'; message: string; source?: string}
	| {type: 'progress'; task: string; done: number; total?: number; unit?: string}
	| {type: 'migration:start'; key: string; environment: string}
	| {type: 'migration:end'; key: string; environment: string; state: 'Completed' | 'Failed'; durationMs: number; error?: string}
	| {type: 'lock:waiting'; holder: string; since: Date}
	| {type: 'lock:acquired'}
	/** A lock was taken from a holder whose lease expired, or whose process is gone from this machine. */
	| {type: 'lock:taken-over'; lock: string; holder: string; reason: 'gone' | 'expired'; expiredAt: Date}
	/** The swap of a restore or copy killed during it was finished (`label` is absent for journals of older monarch). */
	| {type: 'swap:recovered'; runId: string; label: string | undefined; startedAt: Date; collections: number; dropped: string[]}
	/** A read-only command found the database half-swapped by a restore or copy killed during its swap. */
	| {type: 'swap:interrupted'; swap: InterruptedSwap}
	/** A command opening `environment`'s server for writing dropped a rehearsal's scratch database there whose owner's process is gone from this machine or, on another machine, whose lease expired. */
	| ({type: 'scratch:dropped'; environment: string} & AbandonedScratch)
	/** A read-only command found scratch databases left by killed rehearsals on `environment`'s server (any writing command drops them); nothing was changed. */
	| {type: 'scratch:abandoned'; environment: string; databases: AbandonedScratch[]}
	/** Staging collections that a run killed while loading left behind were dropped (the target kept what it had). */
	| {type: 'staging:recovered'; collections: string[]}
	/** A large collection is read by `ranges` cursors over `_id` ranges (the last one the remainder of other `_id` types) instead of one; `documents` as counted before. */
	| {type: 'dump:collection-split'; label: string; collection: string; documents: number; ranges: number}
	/** A backup began writing `archive` to `store` (the store's description, e.g. `backups/`). */
	| {type: 'backup:started'; environment: string; database: string; store: string; archive: string}
	/** A restore's source was read whole and checked, before the target was touched; `bytes` as stored (gzipped or not). */
	| {type: 'restore:verified'; source: string; collections: number; documents: number; bytes: number; sha256: string}
	/** The safety backup of a protected target was written, before anything of the target changed. */
	| {type: 'restore:safety-backup'; environment: string; store: string; archive: string}
	/** The safety backup of a protected environment was written before its migrations run (after the confirmation, before any of them started). */
	| {type: 'migrate:safety-backup'; environment: string; store: string; archive: string}
	/** Every document of a collection is in its staging collection (its indexes are built too unless they follow). */
	| {type: 'staging:collection-loaded'; label: string; collection: string; documents: number}
	/** A collection's indexes (`_id_` not counted) were built on its staging collection. */
	| {type: 'staging:indexes-built'; label: string; collection: string; indexes: number; durationMs: number}
	/** Everything was loaded and counted; the staging collections are being renamed into place. */
	| {type: 'swap:started'; label: string; runId: string; collections: number}
	/** The target's collections that the source does not have were dropped, at the end of the swap. */
	| {type: 'swap:dropped'; label: string; collections: string[]}
	/** The swap is done: the target equals the source. */
	| {type: 'swap:finished'; label: string; runId: string; collections: number; dropped: string[]}
	/** A rehearsal's scratch copy is made: `source` (an environment) copied into `database` on the server of the rehearsal `environment`; data collections and documents, `monarch_migrations` not counted. */
	| {
			type: 'rehearse:copied';
			source: string;
			environment: string;
			database: string;
			collections: number;
			documents: number;
			durationMs: number;
	  }
	/** A rehearsal's scratch database was dropped (at the end, or after a failure or Ctrl+C). */
	| {type: 'rehearse:dropped'; database: string}
	/** `--keep`: a rehearsal's scratch database was left for inspection. */
	| {type: 'rehearse:kept'; database: string}
	/** A rehearsal's report was written to `object` in `store` (its `rehearsals/` folder's description, e.g. `backups/rehearsals/`). */
	| {type: 'rehearse:stored'; id: string; store: string; object: string}
	/** A subset was worked out, before anything is copied: what it takes of each collection (subset-estimate.ts). */
	| {type: 'subset:estimate'; estimate: SubsetEstimate};

/** The events that mark a phase of a backup, restore, copy or rehearsal (the ones `--json` lists besides recoveries). */
export type PhaseEvent = Extract<
	MonarchEvent,
	{type: `${'backup' | 'dump' | 'restore' | 'migrate' | 'staging' | 'swap' | 'rehearse'}:${string}`}
>;

export type EventSink = (event: MonarchEvent) => void;

/** An event sink that drops everything. */
export const ignoreEvents: EventSink = () => {};

/** The options every long core operation takes. */
export type OperationOptions = {
	events?: EventSink;
	signal?: AbortSignal;
};
