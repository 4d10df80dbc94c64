/*
 * The subset subsystem's front door: monarch.json's `references` (which
 * paths hold another collection's values), what suggests them, and the
 * slices that follow them (`--subset` of copy_db, backup and rehearse, which
 * work them out through `subset-for.ts`). Cheap to import: types statically,
 * every operation loads its module on call; the estimate's lines are the
 * ground floor's (subset-estimate.ts).
 */

export type {SubsetEstimate, SubsetRole} from '../subset-estimate.js';
export type {EstimateSubsetOptions} from './estimate-subset.js';
export {referenceLine, referenceLines, referenceState, referencesSummary, sharePercent} from './reference-lines.js';
export type {Reference} from './references.js';
export type {SubsetRequest} from './subset-for.js';
export type {ReferencesSuggestOptions} from './suggest-references.js';
export type {ReferencesSuggestResult, SuggestedReference} from './suggested-reference.js';

/** Why a `--subset` value cannot be read (a one-line reason), or undefined: for a form's check (spec.ts, loaded on call). */
export const subsetRootProblem: typeof import('./spec.js').subsetRootProblem = async (...args) =>
	(await import('./spec.js')).subsetRootProblem(...args);

/** What a subset would take, copying nothing (estimate-subset.ts, loaded on call). */
export const estimateSubset: typeof import('./estimate-subset.js').estimateSubset = async (...args) =>
	(await import('./estimate-subset.js')).estimateSubset(...args);

/** `monarch references suggest <env>` (suggest-references.ts, loaded on call). */
export const suggestReferences: typeof import('./suggest-references.js').suggestReferences = async (...args) =>
	(await import('./suggest-references.js')).suggestReferences(...args);
