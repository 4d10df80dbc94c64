/*
 * The QuerySets subsystem's front door: listing, finding and generating
 * QuerySets (running one is the backup's and the copy's business). Cheap to
 * import: every operation loads its module on call.
 */

export type {QuerySetFile} from './discover.js';
export type {GeneratedQuerySet} from './generate.js';
export type {QuerySetListing} from './list.js';

/** `monarch list_query_sets`: each QuerySet with the `--param` keys read from its source (list.ts, loaded on call). */
export const listQuerySets: typeof import('./list.js').listQuerySets = async (...args) =>
	(await import('./list.js')).listQuerySets(...args);

/** The QuerySet files, loaded by brand (discover.ts, loaded on call). */
export const discoverQuerySets: typeof import('./discover.js').discoverQuerySets = async (...args) =>
	(await import('./discover.js')).discoverQuerySets(...args);

/** `monarch generate_query_set` (generate.ts, loaded on call). */
export const generateQuerySet: typeof import('./generate.js').generateQuerySet = async (...args) =>
	(await import('./generate.js')).generateQuerySet(...args);
