import {EJSON} from '../bson.js';
import {MonarchError} from '../errors.js';

/** Where a subset starts: the documents of `collection` matching `filter`, or a deterministic `percent` of them. */
export type SubsetRoot = {collection: string; text: string} & ({filter: Record<string, unknown>} | {percent: number});

/** Which references a subset follows: `down` (what references a kept document) or `both` (and what a kept document references). */
export type SubsetFollow = 'down' | 'both';

/** A subset as asked: `--subset` (one or more roots), `--follow`, `--subset-only`, `--seed`. */
export type SubsetSpec = {
	roots: SubsetRoot[];
	follow: SubsetFollow;
	/** `--subset-only`: leave out the collections with no reference to or from the sliced ones (copied whole otherwise). */
	only: boolean;
	/** `--seed`: the same seed picks the same percentage. */
	seed: string;
};

/** The seed of a percentage when `--seed` is not given. */
export const defaultSeed = 'monarch';

/**
 * Parses one `--subset` value: `<collection>:<filter in Extended JSON>` or
 * `<collection>:<percent>%`; a mistake is a one-line usage error naming it.
 */
export function parseSubsetRoot(text: string): SubsetRoot {
	const fail = (why: string, hint: string) => new MonarchError('usage', `--subset ${text}: ${why}`, {hint});
	const colon = text.indexOf(':');
	if (colon <= 0) throw fail('name the root collection first', `for example --subset 'accounts:{"plan":"pro"}' or --subset 'accounts:2%'`);
	const collection = text.slice(0, colon);
	const rest = text.slice(colon + 1).trim();
	if (collection.includes('$') || collection.startsWith('system.'))
		throw fail(`"${collection}" is not a collection monarch copies`, 'name a data collection');
	const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(rest);
	if (percent) {
		const value = Number(percent[1]);
		if (!(value > 0 && value <= 100)) throw fail('a percentage is more than 0 and at most 100', 'for example accounts:2%');
		return {collection, text, percent: value};
	}

	let filter: unknown;
	try {
		filter = EJSON.parse(rest, {relaxed: false});
	} catch (error) {
		throw fail(
			`the filter is not Extended JSON (${(error as Error).message.split('\n')[0]})`,
			`write a filter such as {"plan":"pro"}, or a percentage such as 2%`,
		);
	}

	if (filter === null || typeof filter !== 'object' || Array.isArray(filter))
		throw fail('the filter must be an object', 'for example {"plan":"pro"}');
	return {collection, text, filter: filter as Record<string, unknown>};
}

/** Why `text` is not a `--subset` value, as one line without the `--subset <text>: ` prefix; undefined when it is one. */
export async function subsetRootProblem(text: string): Promise<string | undefined> {
	try {
		parseSubsetRoot(text);
		return undefined;
	} catch (error) {
		return (error as Error).message.replace(`--subset ${text}: `, '');
	}
}

/** Parses `--follow`. */
export function parseFollow(text: string | undefined): SubsetFollow {
	if (text === undefined || text === 'down') return 'down';
	if (text === 'both') return 'both';
	throw new MonarchError('usage', `--follow ${text}: down or both`, {
		hint: 'down takes what references the kept documents; both also what they reference',
	});
}

/** The options of the CLI and the TUI as a spec; undefined without `--subset`. */
export function subsetSpec(options: {
	subset?: readonly string[] | undefined;
	follow?: string | undefined;
	subsetOnly?: boolean | undefined;
	seed?: string | undefined;
}): SubsetSpec | undefined {
	const roots = (options.subset ?? []).map(parseSubsetRoot);
	if (roots.length === 0) {
		const stray =
			options.follow !== undefined ? '--follow' : options.subsetOnly ? '--subset-only' : options.seed !== undefined ? '--seed' : undefined;
		if (stray) throw new MonarchError('usage', `${stray} needs --subset`, {hint: `add --subset '<collection>:<filter or percentage>'`});
		return undefined;
	}

	return {roots, follow: parseFollow(options.follow), only: options.subsetOnly === true, seed: options.seed ?? defaultSeed};
}
