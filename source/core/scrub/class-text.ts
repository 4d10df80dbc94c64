import type {SuggestedCollection} from './suggest.js';

/**
 * How monarch.json classifies a collection, in words for scrub_suggest's
 * report and the TUI's privacy view: `not classified`, `classified by field`
 * or `classified "drop"` (a whole-collection kind).
 */
export function collectionClassText(current: SuggestedCollection['current']): string {
	if (current === null) return 'not classified';
	return current === 'fields' ? 'classified by field' : `classified "${current}"`;
}
