/*
 * The migrations subsystem's front door: list, generate, run and mark
 * migrations. Cheap to import: types statically, every operation loads its
 * module on call.
 */

export type {MarkAppliedOptions, MarkAppliedResult} from './baseline.js';
export type {MigrationFile} from './discover.js';
export type {GeneratedMigration} from './generate.js';
export type {MigrationState} from './history.js';
export type {MigrateGate, MigrateNamedOptions, MigrateOptions, MigrateResult, MigrationOutcome} from './run.js';
export type {MigrationStatus, MigrationsReport} from './status.js';

/** `monarch list_migrations`: files joined with history, no migration code loaded (list.ts, loaded on call). */
export const listMigrations: typeof import('./list.js').listMigrations = async (...args) =>
	(await import('./list.js')).listMigrations(...args);

/** `monarch generate` (generate.ts, loaded on call). */
export const generateMigration: typeof import('./generate.js').generateMigration = async (...args) =>
	(await import('./generate.js')).generateMigration(...args);

/** The migration files of a folder, sorted, with their checksums (discover.ts, loaded on call). */
export const discoverMigrations: typeof import('./discover.js').discoverMigrations = async (...args) =>
	(await import('./discover.js')).discoverMigrations(...args);

/** `monarch mark_applied` / `baseline` (baseline.ts, loaded on call). */
export const markApplied: typeof import('./baseline.js').markApplied = async (...args) =>
	(await import('./baseline.js')).markApplied(...args);
