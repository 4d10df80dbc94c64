import {findPersonal, kindNames, type PersonalKind, wholeKind} from './detect.js';
import {suggestByName} from './field-names.js';

/** What was seen at one path of one collection's sample. */
export type PathStats = {
	/** BSON type names, as `$type` names them. */
	types: Set<string>;
	/** Documents of the sample holding the path at least once. */
	documents: number;
	/** Non-empty strings looked at (at most `maxStrings`). */
	strings: number;
	/** Strings that are wholly one kind, by kind. */
	whole: Map<PersonalKind, number>;
	/** Strings holding findings among other text, and the kinds found in them. */
	text: number;
	textKinds: Set<PersonalKind>;
};

/** Strings looked at per path: enough for a ratio, bounded for a large sample of long arrays. */
export const maxStrings = 2000;

/** A new, empty PathStats. */
export function emptyStats(): PathStats {
	return {types: new Set(), documents: 0, strings: 0, whole: new Map(), text: 0, textKinds: new Set()};
}

/** Adds one string value's findings to `stats`. */
export function addString(stats: PathStats, value: string): void {
	if (stats.strings >= maxStrings || value.trim() === '') return;
	stats.strings++;
	const spans = findPersonal(value);
	if (spans.length === 0) return;
	const found = wholeKind(value, spans);
	if (found === 'text-with-personal') {
		stats.text++;
		for (const span of spans) stats.textKinds.add(span.kind);
		return;
	}

	stats.whole.set(found, (stats.whole.get(found) ?? 0) + 1);
}

/** A suggestion for one path: a strategy as monarch.json writes it, or `keep`, and why. */
export type PathSuggestion = {suggestion: string; reason: string};

/** The strategy values of each kind suggest when they are most of a field. */
const kindStrategies: Record<PersonalKind, string> = {
	email: 'fake.email',
	phone: 'fake.phone',
	card: 'fake.creditCard',
	iban: 'fake.iban',
	ipv4: 'fake.ipv4',
	ipv6: 'fake.ipv6',
	ssn: 'hash',
	jwt: 'hash',
	token: 'hash',
};

/** A kind that is at least this share of a field's strings makes the field that kind. */
export const wholeShare = 0.5;
/** Findings (whole values of any kind) in at least this share of a field's strings suggest `redact`. */
export const mixedShare = 0.2;
/** Strings with findings among other text in at least this share suggest `redact`. */
export const textShare = 0.02;

const scalarTypes = new Set(['bool', 'null', 'undefined', 'minKey', 'maxKey']);
const timeTypes = new Set(['date', 'timestamp']);

/**
 * The suggestion for one path, from its name (`suggestByName`) and its
 * sampled values:
 * - `_id` holding ObjectIds: keep;
 * - a personal name wins, unless the values cannot hold that (booleans;
 *   dates, except for birth dates);
 * - otherwise the values: one kind in at least half the strings gives that
 *   kind's fake (`hash` for SSNs, JWTs and tokens); findings in 20% of the
 *   strings (a mix of kinds), or inside free text in 2% of them, give
 *   `redact`;
 * - anything else is `keep`, with what was looked at.
 */
export function suggestPath(path: string, stats: PathStats, collection: string): PathSuggestion {
	const types = [...stats.types];
	if (path === '_id' && types.every(type => type === 'objectId')) return {suggestion: 'keep', reason: 'the document id (ObjectId)'};
	const byName = suggestByName(path, collection);
	const byValue = suggestByValues(stats);
	if (byName) {
		const datesOnly = types.every(type => timeTypes.has(type) || scalarTypes.has(type));
		if (types.every(type => scalarTypes.has(type)))
			return {suggestion: 'keep', reason: `${byName.reason}, but the values are ${types.join(', ')}`};
		if (datesOnly && !/birth date|location/.test(byName.reason))
			return {suggestion: 'keep', reason: `${byName.reason}, but the values are ${types.join(', ')}`};
		const values = byValue && byValue.suggestion !== 'keep' ? `; ${byValue.reason}` : '';
		const strings =
			byName.strategy.startsWith('fake.') && !stats.types.has('string')
				? ` (the values are ${types.join(', ')}: the fake is a string)`
				: '';
		return {suggestion: byName.strategy, reason: `${byName.reason}${values}${strings}`};
	}

	if (byValue) return byValue;
	if (stats.strings === 0) return {suggestion: 'keep', reason: `nothing personal in the name; ${types.join(', ')} values`};
	return {
		suggestion: 'keep',
		reason: `nothing personal in the name or the values (${stats.strings} ${stats.strings === 1 ? 'string' : 'strings'} looked at)`,
	};
}

function suggestByValues(stats: PathStats): PathSuggestion | undefined {
	if (stats.strings === 0) return undefined;
	let total = 0;
	let top: PersonalKind | undefined;
	for (const [kind, count] of stats.whole) {
		total += count;
		if (top === undefined || count > (stats.whole.get(top) ?? 0)) top = kind;
	}

	const share = (count: number) => `${Math.round((count / stats.strings) * 100)}%`;
	if (top !== undefined && (stats.whole.get(top) ?? 0) / stats.strings >= wholeShare) {
		return {suggestion: kindStrategies[top], reason: `${share(stats.whole.get(top) ?? 0)} of values look like ${kindNames[top]}`};
	}

	if (stats.text / stats.strings >= textShare || total / stats.strings >= mixedShare) {
		const kinds = [...new Set([...stats.textKinds, ...stats.whole.keys()])].map(kind => kindNames[kind]);
		return {suggestion: 'redact', reason: `${share(stats.text + total)} of values hold ${kinds.join(', ')}`};
	}

	if (total + stats.text > 0) {
		const kinds = [...new Set([...stats.textKinds, ...stats.whole.keys()])].map(kind => kindNames[kind]);
		return {
			suggestion: 'keep',
			reason: `${stats.text + total} of ${stats.strings} values hold ${kinds.join(', ')}, too few to call the field personal: check`,
		};
	}

	return undefined;
}

/** One observed path of a collection. */
export type SuggestedPath = {
	/** An observed path as `walkPaths` writes it: `a.b`, `contacts[].email`, `tags[]`. */
	path: string;
	/** BSON type names seen there. */
	types: string[];
	/** Documents of the sample holding it. */
	documents: number;
	/** `documents` / sampled, from 0 to 1. */
	present: number;
	/** How monarch.json classifies it now: a strategy, `keep`, or null (unclassified). */
	current: string | null;
	/** The classification suggested: a strategy or `keep`. */
	suggestion: string;
	reason: string;
};

export type SuggestedCollection = {
	name: string;
	/** Documents read. */
	sampled: number;
	/** How monarch.json classifies the whole collection now (`keep`, `drop`, `empty`), `fields`, or null (not classified). */
	current: 'keep' | 'drop' | 'empty' | 'fields' | null;
	/**
	 * For a collection not classified: `keep` when no path of it looks
	 * personal, `empty` when the sample found no documents (nothing is known of
	 * them: copied empty, with its indexes); otherwise `fields`.
	 */
	suggestion: 'keep' | 'empty' | 'fields';
	paths: SuggestedPath[];
};
