/*
 * The subsets subsystem's front door: slices of a database that follow the
 * references between collections (`--subset` of copy_db, backup and
 * rehearse, which work them out through `subset-for.ts`). Cheap to import:
 * the estimate loads its module on call; its lines are the ground floor's
 * (subset-estimate.ts).
 */

export type {SubsetEstimate, SubsetRole} from '../subset-estimate.js';
export type {EstimateSubsetOptions} from './estimate-subset.js';
export type {Reference} from './references.js';
export type {SubsetRequest} from './subset-for.js';

/** What a subset would take, copying nothing (estimate-subset.ts, loaded on call). */
export const estimateSubset: typeof import('./estimate-subset.js').estimateSubset = async (...args) =>
	(await import('./estimate-subset.js')).estimateSubset(...args);
