/*
 * The rehearse subsystem's front door: `monarch rehearse`, its report, and the
 * stored reports (`list_rehearsals`, the migrate gate's evidence).
 * Cheap to import: the report's types and the gate's refusal statically, the
 * rehearsal and the stored reports' reader load on call.
 */

export type {RunEstimate} from './evidence.js';
export type {GateReason} from './gate.js';
/** The gate's refusal, with its reason (gate.ts: small, imported statically). */
export {GateRefusal} from './gate.js';
export type {GatedMigrateOptions} from './gated-migrate.js';
export type {MigratePlan, MigratePlanOptions, PlannedRehearsal} from './plan.js';
export type {RehearseOptions} from './rehearse.js';
export type {CollectionChange, PendingMigration, RehearsalReport, RehearsalVerdict, RehearsedMigration, RehearsedSubset} from './report.js';
export type {StoredRehearsal} from './stored.js';

/** `monarch rehearse`: pending migrations run on a scratch copy, diffed and dropped, its report stored (rehearse.ts, loaded on call). */
export const rehearse: typeof import('./rehearse.js').rehearse = async (...args) => (await import('./rehearse.js')).rehearse(...args);

/** `monarch migrate` and `migrate_one`: through the rehearsal gate of `migrate.requireRehearsal`, with the evidence in the confirmation (gated-migrate.ts, loaded on call). */
export const migrateThroughGate: typeof import('./gated-migrate.js').migrateThroughGate = async (...args) =>
	(await import('./gated-migrate.js')).migrateThroughGate(...args);

/** `monarch migrate <env> --plan`: what would run and whether the gate lets it, read only (plan.ts, loaded on call). */
export const planMigrate: typeof import('./plan.js').planMigrate = async (...args) => (await import('./plan.js')).planMigrate(...args);

/**
 * The stored rehearsal reports (of one environment when named), newest first, each checked; one that cannot be
 * trusted is skipped with one warning event naming it (stored.ts, loaded on call).
 */
export const listRehearsals: typeof import('./stored.js').listRehearsals = async (...args) =>
	(await import('./stored.js')).listRehearsals(...args);
