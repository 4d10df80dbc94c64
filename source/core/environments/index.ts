/*
 * The environments subsystem's front door: an environment as monarch.json
 * declares it, its status, its migrations beside the others', its locks and
 * the whole-database commands (drop_db, recover). It points at the files
 * where they live (core/environments.ts, environment-status.ts,
 * migration-matrix.ts, lease-lock.ts, unlock.ts, databases.ts). Cheap to
 * import: light modules statically, anything that opens a connection loads
 * on its call.
 */

export type {DropDatabaseOptions, RecoverOptions} from '../databases.js';
export type {EnvironmentStatus, EnvironmentStatusOptions} from '../environment-status.js';
export type {Environment} from '../environments.js';
export type {LockInfo} from '../lease-lock.js';
export {describeHolder} from '../lease-lock.js';
export type {MatrixColumn, MigrationMatrix} from '../migration-matrix.js';
export type {UnlockOptions} from '../unlock.js';
export {
	describeUnlock,
	type UnlockableLock,
	type UnlockReason,
	type UnlockResult,
	unlockableLocks,
	unlockReasons,
} from '../unlock-lines.js';

/** Ping, latency, collections, size, a half-swapped database and abandoned scratch databases, never throwing (environment-status.ts, with the driver, loaded on call). */
export const environmentStatus: typeof import('../environment-status.js').environmentStatus = async (...args) =>
	(await import('../environment-status.js')).environmentStatus(...args);

/** Every migration's state in every environment (migration-matrix.ts, loaded on call). */
export const migrationMatrix: typeof import('../migration-matrix.js').migrationMatrix = async (...args) =>
	(await import('../migration-matrix.js')).migrationMatrix(...args);

/** An environment's lock whatever its state, or undefined; writes nothing (unlock.ts, loaded on call). */
export const findLock: typeof import('../unlock.js').findLock = async (...args) => (await import('../unlock.js')).findLock(...args);

/** `monarch unlock`: removes a lock a dead or hung run left, after showing its holder (unlock.ts, loaded on call). */
export const unlock: typeof import('../unlock.js').unlock = async (...args) => (await import('../unlock.js')).unlock(...args);

/** `monarch drop_db` (databases.ts, loaded on call). */
export const dropDatabase: typeof import('../databases.js').dropDatabase = async (...args) =>
	(await import('../databases.js')).dropDatabase(...args);

/** `monarch recover`: finishes an interrupted swap and does nothing else (databases.ts, loaded on call). */
export const recoverEnvironment: typeof import('../databases.js').recoverEnvironment = async (...args) =>
	(await import('../databases.js')).recoverEnvironment(...args);
