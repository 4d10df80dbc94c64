/*
 * The backups subsystem's front door: taking, listing, verifying and pruning
 * backups, and their names. Cheap to import: names and result lines
 * statically, every operation loads its module on call.
 */
export type {BackupOptions, BackupResult} from './backup.js';
export {backupPart, partWarning} from './backup-part.js';
export type {BackupEntry, BackupList} from './catalogue.js';
export type {BackupManifest, BackupSubset} from './manifest.js';
export {type BackupRef, backupBaseName, parseBackupRef} from './naming.js';
export {backupShortName} from './object-names.js';
export type {PruneOptions, PruneResult} from './prune.js';
export {describePlan, type PruneItem, type PrunePlan} from './prune-plan.js';
export type {VerifyStoredOptions, VerifyStoredResult} from './verify-stored.js';

/** `monarch backup` (backup.ts, with the dump, loaded on call). */
export const backup: typeof import('./backup.js').backup = async (...args) => (await import('./backup.js')).backup(...args);

/** `monarch list_backups`: every store's backups, complete or not (catalogue.ts, loaded on call). */
export const listBackups: typeof import('./catalogue.js').listBackups = async (...args) =>
	(await import('./catalogue.js')).listBackups(...args);

/** `monarch prune_backups` (prune.ts, loaded on call). */
export const pruneBackups: typeof import('./prune.js').pruneBackups = async (...args) => (await import('./prune.js')).pruneBackups(...args);

/** `monarch verify`: a stored backup checked without loading it (verify-stored.ts, loaded on call). */
export const verifyStoredBackup: typeof import('./verify-stored.js').verifyStoredBackup = async (...args) =>
	(await import('./verify-stored.js')).verifyStoredBackup(...args);
