/*
 * The subset subsystem's front door: monarch.json's `references` (which
 * paths hold another collection's values) and what follows them. Cheap to
 * import: types statically, every operation loads its module on call.
 */

export {referenceLine, referenceLines, referenceState, referencesSummary, sharePercent} from './reference-lines.js';
export type {Reference} from './references.js';
export type {ReferencesSuggestOptions} from './suggest-references.js';
export type {ReferencesSuggestResult, SuggestedReference} from './suggested-reference.js';

/** `monarch references suggest <env>` (suggest-references.ts, loaded on call). */
export const suggestReferences: typeof import('./suggest-references.js').suggestReferences = async (...args) =>
	(await import('./suggest-references.js')).suggestReferences(...args);
