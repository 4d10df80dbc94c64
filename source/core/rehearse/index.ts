/*
 * The rehearse subsystem's front door: `monarch rehearse`, its report, and the
 * stored reports (`list_rehearsals`, the migrate gate's evidence).
 * Cheap to import: the report's types statically, the rehearsal and the
 * stored reports' reader load on call.
 */

export type {RehearseOptions} from './rehearse.js';
export type {CollectionChange, PendingMigration, RehearsalReport, RehearsalVerdict, RehearsedMigration} from './report.js';
export type {StoredRehearsal} from './stored.js';

/** `monarch rehearse`: pending migrations run on a scratch copy, diffed and dropped, its report stored (rehearse.ts, loaded on call). */
export const rehearse: typeof import('./rehearse.js').rehearse = async (...args) => (await import('./rehearse.js')).rehearse(...args);

/**
 * The stored rehearsal reports (of one environment when named), newest first, each checked; one that cannot be
 * trusted is skipped with one warning event naming it (stored.ts, loaded on call).
 */
export const listRehearsals: typeof import('./stored.js').listRehearsals = async (...args) =>
	(await import('./stored.js')).listRehearsals(...args);
