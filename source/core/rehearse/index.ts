/*
 * The rehearse subsystem's front door: `monarch rehearse` and its report.
 * Cheap to import: the report's types statically, the rehearsal loads on call.
 */

export type {RehearseOptions} from './rehearse.js';
export type {CollectionChange, RehearsalReport, RehearsalVerdict, RehearsedMigration} from './report.js';

/** `monarch rehearse`: pending migrations run on a scratch copy, diffed and dropped (rehearse.ts, loaded on call). */
export const rehearse: typeof import('./rehearse.js').rehearse = async (...args) => (await import('./rehearse.js')).rehearse(...args);
