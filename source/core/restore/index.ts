/*
 * The restore subsystem's front door: putting data into a target (a backup,
 * a plain archive file, another environment, a rollback) through the one
 * restore flow. Its files still live in core/backups/ (restore.ts,
 * restore-file.ts, copy.ts, rollback.ts, workers.ts, ...); this door points
 * there. Cheap to import: the `--workers` bounds and the result lines
 * statically, every operation loads its module on call.
 */
export type {RestoreOptions, RestoreResult} from '../backups/restore.js';
export type {RestoreArchiveFileOptions, RestoreArchiveFileResult} from '../backups/restore-file.js';
export type {CopyOptions, CopyResult} from '../backups/copy.js';
export type {RollbackOptions} from '../backups/rollback.js';
export {describeRollback, type RollbackResult} from '../backups/rollback-lines.js';
export {isWorkerCount, maxWorkers} from '../backups/workers.js';

/** `monarch restore <backup>:<env>` (restore.ts, with the restore flow, loaded on call). */
export const restore: typeof import('../backups/restore.js').restore = async (...args) => (await import('../backups/restore.js')).restore(...args);

/** `monarch restore --file`: a plain mongodump archive (restore-file.ts, loaded on call). */
export const restoreArchiveFile: typeof import('../backups/restore-file.js').restoreArchiveFile = async (...args) =>
	(await import('../backups/restore-file.js')).restoreArchiveFile(...args);

/** `monarch copy_db <from>:<to>` (copy.ts, loaded on call). */
export const copyDatabase: typeof import('../backups/copy.js').copyDatabase = async (...args) => (await import('../backups/copy.js')).copyDatabase(...args);

/** `monarch rollback`: the latest safety backup taken before a migrate, restored (rollback.ts, loaded on call). */
export const rollback: typeof import('../backups/rollback.js').rollback = async (...args) => (await import('../backups/rollback.js')).rollback(...args);
