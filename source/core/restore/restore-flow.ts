import type {Db} from 'mongodb';
import type {BackupResult} from '../backups/backup.js';
import {safetyStoreFor, takeSafetyBackup} from '../backups/safety-backup.js';
import type {CollectionInfo} from '../collections.js';
import type {ProjectConfig} from '../config/load.js';
import {confirmDestructive} from '../confirm.js';
import {connect} from '../connection.js';
import type {Environment} from '../environments.js';
import {describeError, MonarchError, throwIfAborted} from '../errors.js';
import {type EventSink, ignoreEvents, type OperationOptions} from '../events.js';
import {acquireLock} from '../lease-lock.js';
import type {Prompter} from '../prompts.js';
import type {CustomScrub} from '../querysets/selection.js';
import {type ScrubPlan, type ScrubReport, scrubberFor, scrubReport} from '../scrub/policy.js';
import type {Scrubber} from '../scrub/scrubber.js';
import {serverTraits} from '../server-traits.js';
import type {BackupStore} from '../storage/contract.js';
import {recoverStaging, restoreLockName} from '../swap-journal.js';
import {InsertPool} from './insert-pool.js';
import {StagingLoad} from './staging.js';
import {checkWorkers} from './workers.js';

/**
 * Where the data of a restore comes from: the one thing in which restore (a
 * verified monarch backup), restore --file (a plain mongodump archive) and
 * copy_db (live cursors of another environment) differ. {@link runRestore}
 * calls `totals` once the target is connected and the user confirmed, then
 * `load` under the target's lock, then `close`, whatever happened. The
 * source is read once: it is checked while it loads into staging collections.
 */
export type RestoreSource = {
	/** What is restored, for the confirmation (`Restore backup X of Y`); the flow adds ` into <target> (database D), replacing its data`. */
	describe: string;
	/** `restore` or `copy`: names the safety backup (`<database>_before_restore__<date>`). */
	kind: 'restore' | 'copy';
	/** Names the job in events, e.g. `restore development`. */
	label: string;
	/**
	 * The collections to load, views left out, in order, with the documents
	 * each is expected to have, for progress (undefined where the source cannot
	 * say before it is read, as in a mongodump file); reads no data.
	 */
	totals(signal: AbortSignal | undefined): Promise<Map<string, number | undefined>>;
	/**
	 * Loads everything into the staging load (prepare, insert,
	 * finishCollection) in one pass, checking the source as it streams (every
	 * CRC and count, a backup's sha256, size and metadata digests). Throws on
	 * any problem, corruption included; the flow then discards the staging
	 * collections, so the target is as it was. When the whole source was read
	 * and every check passed, emits `restore:verified` and returns the
	 * documents per collection the source vouches for, which the loaded counts
	 * must equal before the swap; undefined for live cursors.
	 */
	load(staging: StagingLoad, events: EventSink, signal: AbortSignal | undefined): Promise<Map<string, number> | undefined>;
	/**
	 * What the loaded counts are checked against, for the error (`the backup`);
	 * undefined for live cursors, whose counts are estimates for progress.
	 */
	checkedAgainst: string | undefined;
	/** A QuerySet's own `scrub`, applied after the rules when the load scrubs. */
	customScrub?: CustomScrub | undefined;
	/** Releases what the source holds open (a connection); called once, at the end. */
	close?(): Promise<void>;
};

export type RunRestoreOptions<Source extends RestoreSource> = OperationOptions & {
	config: ProjectConfig;
	target: Environment;
	/** Finds and opens the source (reads what it needs to describe itself, asks a QuerySet's questions); called after the safety store was checked, before the target is connected. */
	open: () => Promise<Source>;
	/** `--yes`: confirmed up front. */
	yes?: boolean | undefined;
	prompter: Prompter;
	/** Take a safety backup of a protected target first (default true; `--no-safety-backup`). */
	safetyBackup?: boolean | undefined;
	/** Lines shown with the confirmation (a rollback's warning; see `ConfirmQuestion.details`). */
	confirmDetails?: string[] | undefined;
	/** What to do about personal data, decided by {@link planScrub} before the flow starts; not scrubbed when absent. */
	scrub?: ScrubPlan | undefined;
	/** `--workers`: how many insert workers load the staging collections, 0 for the main thread (see {@link InsertPool} and workers.ts for the default). */
	workers?: number | undefined;
};

export type RunRestoreResult<Source extends RestoreSource> = {
	source: Source;
	/** Documents restored per collection, in the source's order. */
	collections: Array<{name: string; count: number}>;
	/** The target's collections that the source does not have, dropped. */
	dropped: string[];
	safetyBackup: BackupResult | undefined;
	/** What the load did about personal data (never the key). */
	scrub: ScrubReport;
};

/**
 * The one restore flow that restore, restore --file and copy_db run: check
 * that a safety backup can be taken, open the source, connect to the target
 * for writing (which finishes an interrupted swap there first), confirm,
 * then under the target's restore lock: clean up after killed runs, take the
 * safety backup, load into staging while checking the source (one read of
 * it), check the counts and, only when all of it succeeded, swap. On any
 * failure (a corrupt source included) or abort
 * before the swap the staging collections are dropped and the target is as
 * it was; a failure during the swap is finished by the next command that
 * writes to the target.
 */
export async function runRestore<Source extends RestoreSource>(options: RunRestoreOptions<Source>): Promise<RunRestoreResult<Source>> {
	const {config, target, signal} = options;
	const events = options.events ?? ignoreEvents;
	checkWorkers(options.workers);
	const safetyStore = safetyStoreFor(config, target, options.safetyBackup ?? true);
	const source = await options.open();
	try {
		const connection = await connect(target, {access: 'write', lock: config.lock, events, signal});
		try {
			await confirmDestructive(target, `${source.describe} into ${target.name} (database ${target.database}), replacing its data`, {
				yes: options.yes,
				prompter: options.prompter,
				details: options.confirmDetails,
			});
			const totals = await source.totals(signal);
			const plan = options.scrub ?? {scrub: false, declined: false};
			const loaded = await underLock({
				config,
				target,
				db: connection.db,
				source,
				safetyStore,
				totals,
				plan,
				workers: options.workers,
				events,
				signal,
			});
			return {
				source,
				collections: [...loaded.counts].map(([name, count]) => ({name, count})),
				dropped: loaded.dropped,
				safetyBackup: loaded.safetyBackup,
				scrub: scrubReport(plan, loaded.scrubber, [...totals.keys()]),
			};
		} finally {
			await connection.close();
		}
	} finally {
		await source.close?.().catch(() => {});
	}
}

type LockedOptions = {
	config: ProjectConfig;
	target: Environment;
	db: Db;
	source: RestoreSource;
	safetyStore: BackupStore | undefined;
	totals: Map<string, number | undefined>;
	plan: ScrubPlan;
	workers: number | undefined;
	events: EventSink;
	signal: AbortSignal | undefined;
};

/** The part of the flow under the target's restore lock: recover, safety backup, load, count check, swap or discard. */
async function underLock(
	options: LockedOptions,
): Promise<{safetyBackup: BackupResult | undefined; dropped: string[]; counts: Map<string, number>; scrubber: Scrubber | undefined}> {
	const {config, target, db, source, events, signal} = options;
	const lock = await acquireLock(db, restoreLockName, {leaseMs: config.lock.leaseMs, waitMs: config.lock.waitMs, events, signal});
	let pool: InsertPool | undefined;
	try {
		await recoverStaging(db, events);
		let safetyBackup: BackupResult | undefined;
		if (options.safetyStore) {
			safetyBackup = await takeSafetyBackup({db, target, store: options.safetyStore, kind: source.kind, events, signal});
		}

		const scrubFor = (collections: readonly CollectionInfo[]) =>
			scrubberFor(config, options.plan, collections, source.label, source.customScrub);
		const server = await serverTraits(db);
		pool = new InsertPool({target, db, workers: options.workers, label: source.label, signal});
		const staging = new StagingLoad({db, pool, label: source.label, totals: options.totals, server, scrubFor, events, signal});
		let dropped: string[];
		try {
			const checked = await source.load(staging, events, signal);
			staging.scrubber?.assertClassified();
			if (checked !== undefined) {
				for (const [name, count] of checked) {
					if (staging.takes(name) === 'documents' && staging.count(name) !== count) {
						throw new MonarchError(
							'internal',
							`Restored ${staging.count(name)} documents of ${name}, ${source.checkedAgainst ?? 'the source'} has ${count}; nothing was changed`,
						);
					}
				}
			}

			if (lock.lost) {
				throw new MonarchError(
					'locked',
					`Lost the ${restoreLockName} lock on ${target.name} (this process stalled longer than the lease); nothing was changed`,
					{
						hint: 'raise lock.leaseSeconds in monarch.json and run again',
					},
				);
			}

			throwIfAborted(signal, source.label);
		} catch (error) {
			await staging.discard().catch(() => {});
			throw error;
		}

		try {
			({dropped} = await staging.commit());
		} catch (error) {
			if (!staging.swapping) {
				await staging.discard().catch(() => {});
				throw error;
			}

			// Everything was loaded: the journal says so, and the next command that writes to this target finishes the swap.
			throw new MonarchError('internal', `The swap into ${target.name} was interrupted: ${describeError(error)}`, {
				hint: `every collection was loaded; run \`monarch migrate ${target.name}\` (or any command that writes to it) and it finishes the swap first`,
				cause: error,
			});
		}

		const counts = new Map<string, number>();
		for (const name of options.totals.keys()) if (staging.takes(name) !== 'nothing') counts.set(name, staging.count(name));
		return {safetyBackup, dropped, counts, scrubber: staging.scrubber};
	} finally {
		// The workers end with the load, whatever happened (the TUI's process lives on), before the lock is released.
		await pool?.close();
		await lock.release().catch(() => {});
	}
}
