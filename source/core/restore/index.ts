/*
 * The restore subsystem's front door: putting data into a target (a backup,
 * a plain archive file, another environment, a rollback) through the one
 * restore flow (restore-flow.ts, staging.ts, the insert pool, the three
 * sources: restore.ts, restore-file.ts, copy.ts; rollback.ts). Cheap to import: the `--workers` bounds and the result lines
 * statically, every operation loads its module on call.
 */

export type {CopyOptions, CopyResult} from './copy.js';
export type {RestoreOptions, RestoreResult} from './restore.js';
export type {RestoreArchiveFileOptions, RestoreArchiveFileResult} from './restore-file.js';
export type {RollbackOptions} from './rollback.js';
export {describeRollback, type RollbackResult} from './rollback-lines.js';
export {isWorkerCount, maxWorkers} from './workers.js';

/** `monarch restore <backup>:<env>` (restore.ts, with the restore flow, loaded on call). */
export const restore: typeof import('./restore.js').restore = async (...args) => (await import('./restore.js')).restore(...args);

/** `monarch restore --file`: a plain mongodump archive (restore-file.ts, loaded on call). */
export const restoreArchiveFile: typeof import('./restore-file.js').restoreArchiveFile = async (...args) =>
	(await import('./restore-file.js')).restoreArchiveFile(...args);

/** `monarch copy_db <from>:<to>` (copy.ts, loaded on call). */
export const copyDatabase: typeof import('./copy.js').copyDatabase = async (...args) => (await import('./copy.js')).copyDatabase(...args);

/** `monarch rollback`: the latest safety backup taken before a migrate, restored (rollback.ts, loaded on call). */
export const rollback: typeof import('./rollback.js').rollback = async (...args) => (await import('./rollback.js')).rollback(...args);
