import type {Db} from 'mongodb';
import type {ProjectConfig} from '../config/load.js';
import type {Environment} from '../environments.js';
import {describeError, isMonarchError, MonarchError, throwIfAborted} from '../errors.js';
import {ignoreEvents, type EventSink} from '../events.js';
import {acquireLock} from '../lease-lock.js';
import type {BackupStore} from '../storage/contract.js';
import {storeFor} from '../storage/index.js';
import {writeBackup, type BackupResult} from './backup.js';
import {backupBaseName} from './naming.js';
import {serverTraits} from './server-traits.js';
import {recoverStaging, restoreLockName, StagingLoad} from './staging.js';

/** The store a safety backup of `target` goes to, or undefined when none is taken; fails before anything is touched when one is needed but no store is configured. */
export function safetyStoreFor(config: ProjectConfig, target: Environment, safetyBackup: boolean): BackupStore | undefined {
	if (!target.protected || !safetyBackup) return undefined;
	try {
		return storeFor(config);
	} catch (error) {
		if (isMonarchError(error) && error.code === 'config') {
			throw new MonarchError('config', `${config.displayFile}: backups: no backup location for the safety backup of protected environment "${target.name}"; nothing was changed`, {
				hint: 'configure backups.local or backups.s3, or pass --no-safety-backup',
			});
		}

		throw error;
	}
}

export type LoadTargetOptions = {
	config: ProjectConfig;
	target: Environment;
	db: Db;
	/** Names the job in events, e.g. `restore development`. */
	label: string;
	/** `restore` or `copy`: names the safety backup (`<database>_before_restore__<date>`). */
	kind: 'restore' | 'copy';
	safetyStore: BackupStore | undefined;
	totals: Map<string, number>;
	/** Loads everything into the staging load (prepare, insert, finishCollection); throws on any problem. */
	load: (staging: StagingLoad) => Promise<void>;
	events?: EventSink | undefined;
	signal?: AbortSignal | undefined;
};

export type LoadTargetResult = {
	safetyBackup: BackupResult | undefined;
	/** The target's collections that the source does not have, dropped. */
	dropped: string[];
	counts: Map<string, number>;
};

/**
 * The part restore and copy share: under the target's restore lock, clean up
 * after killed runs, take the safety backup, load into staging and, only when
 * all of it succeeded, swap. On any failure or abort before the swap the
 * staging collections are dropped and the target is as it was.
 */
export async function loadIntoTarget(options: LoadTargetOptions): Promise<LoadTargetResult> {
	const {config, target, db, signal} = options;
	const events = options.events ?? ignoreEvents;
	const lock = await acquireLock(db, restoreLockName, {leaseMs: config.lock.leaseMs, waitMs: config.lock.waitMs, events, signal});
	try {
		await recoverStaging(db, events);
		let safetyBackup: BackupResult | undefined;
		if (options.safetyStore) {
			const base = backupBaseName(target.database, `${target.database}_before_${options.kind}`);
			safetyBackup = await writeBackup({db, environment: target, store: options.safetyStore, base, label: `safety backup of ${target.name}`, events, signal});
			events({type: 'restore:safety-backup', environment: target.name, store: safetyBackup.store, archive: safetyBackup.archive});
		}

		const staging = new StagingLoad({db, label: options.label, totals: options.totals, server: await serverTraits(db), events, signal});
		let dropped: string[];
		try {
			await options.load(staging);
			if (lock.lost) {
				throw new MonarchError('locked', `Lost the ${restoreLockName} lock on ${target.name} (this process stalled longer than the lease); nothing was changed`, {
					hint: 'raise lock.leaseSeconds in monarch.json and run again',
				});
			}

			throwIfAborted(signal, options.label);
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
		for (const name of options.totals.keys()) counts.set(name, staging.count(name));
		return {safetyBackup, dropped, counts};
	} finally {
		await lock.release().catch(() => {});
	}
}
