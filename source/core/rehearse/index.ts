/*
 * The rehearse subsystem's front door: `monarch rehearse` and its report.
 * Cheap to import: the report's types statically, the rehearsal loads on call.
 */

export type {RunEstimate} from './evidence.js';
export type {GateReason} from './gate.js';
export type {GatedMigrateOptions} from './gated-migrate.js';
export type {MigratePlan, MigratePlanOptions, PlannedRehearsal} from './plan.js';
export type {RehearseOptions} from './rehearse.js';
export type {CollectionChange, RehearsalReport, RehearsalVerdict, RehearsedMigration} from './report.js';

/** `monarch rehearse`: pending migrations run on a scratch copy, diffed and dropped (rehearse.ts, loaded on call). */
export const rehearse: typeof import('./rehearse.js').rehearse = async (...args) => (await import('./rehearse.js')).rehearse(...args);

/** `monarch migrate` and `migrate_one`: through the rehearsal gate of `migrate.requireRehearsal`, with the evidence in the confirmation (gated-migrate.ts, loaded on call). */
export const migrateThroughGate: typeof import('./gated-migrate.js').migrateThroughGate = async (...args) =>
	(await import('./gated-migrate.js')).migrateThroughGate(...args);

/** `monarch migrate <env> --plan`: what would run and whether the gate lets it, read only (plan.ts, loaded on call). */
export const planMigrate: typeof import('./plan.js').planMigrate = async (...args) => (await import('./plan.js')).planMigrate(...args);
