import type {Db} from 'mongodb';
import type {ProjectConfig} from '../config/load.js';
import type {Environment} from '../environments.js';
import {isMonarchError, MonarchError} from '../errors.js';
import {ignoreEvents, type OperationOptions} from '../events.js';
import type {BackupStore} from '../storage/contract.js';
import {storeFor} from '../storage/stores.js';
import {type BackupResult, writeBackup} from './backup.js';
import {backupBaseName} from './naming.js';

/** What a safety backup is taken before; it names the archive `<database>_before_<kind>__<date>`. */
export type SafetyBackupKind = 'restore' | 'copy' | 'migrate';

/**
 * The store a safety backup of `target` goes to, or undefined when none is
 * taken (the target is not protected, or `wanted` is false); fails with a
 * one-line config error, before anything is touched, when one is needed but
 * no backup store is configured.
 */
export function safetyStoreFor(config: ProjectConfig, target: Environment, wanted: boolean): BackupStore | undefined {
	if (!target.protected || !wanted) return undefined;
	try {
		return storeFor(config);
	} catch (error) {
		if (isMonarchError(error) && error.code === 'config') {
			throw new MonarchError(
				'config',
				`${config.displayFile}: backups: no backup location for the safety backup of protected environment "${target.name}"; nothing was changed`,
				{
					hint: 'configure backups.local or backups.s3, or pass --no-safety-backup',
				},
			);
		}

		throw error;
	}
}

/**
 * Backs up `target`'s whole database into `store` as
 * `<database>_before_<kind>__<date>` (a complete backup: archive, then
 * manifest) and, once it is stored, emits its name: `migrate:safety-backup`
 * before migrations, `restore:safety-backup` before a restore or copy.
 */
export async function takeSafetyBackup(
	options: OperationOptions & {db: Db; target: Environment; store: BackupStore; kind: SafetyBackupKind},
): Promise<BackupResult> {
	const {target} = options;
	const events = options.events ?? ignoreEvents;
	const base = backupBaseName(target.database, `${target.database}_before_${options.kind}`);
	const result = await writeBackup({
		db: options.db,
		environment: target,
		store: options.store,
		base,
		label: `safety backup of ${target.name}`,
		events,
		signal: options.signal,
	});
	const named = {environment: target.name, store: result.store, archive: result.archive};
	events(options.kind === 'migrate' ? {type: 'migrate:safety-backup', ...named} : {type: 'restore:safety-backup', ...named});
	return result;
}
