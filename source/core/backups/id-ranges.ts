import type {Collection, Document} from 'mongodb';
import {deserialize} from '../bson.js';
import {throwIfAborted} from '../errors.js';
import {type EventSink, ignoreEvents} from '../events.js';
import type {ServerTraits} from '../server-traits.js';

/**
 * The size from which a collection is split when monarch.json does not say
 * (`backups.splitCollections.minDocuments`), on a server whose `_id` range
 * reads use the `_id` index.
 */
export const defaultSplitMinDocuments = 100_000;

/**
 * From how many documents a collection is read by several cursors, or
 * undefined for never: the configured `minDocuments`, else
 * {@link defaultSplitMinDocuments} on a server whose range reads use the
 * `_id` index. FerretDB v1 scans the whole collection for every range read
 * (measured at 200k documents: four range cursors at once took 2.3 times one
 * cursor's wall time), so there collections are split only when configured.
 */
export function splitThreshold(
	configured: {minDocuments: number} | undefined,
	traits: Pick<ServerTraits, 'indexedIdRanges'>,
): number | undefined {
	if (configured) return configured.minDocuments;
	return traits.indexedIdRanges ? defaultSplitMinDocuments : undefined;
}

/** The values of one comparison bracket can bound a range; NaN, null, booleans, embedded documents and the rest cannot (they fall in the remainder). */
type Bracket = 'number' | 'string' | 'objectId' | 'date';

/** An `_id`'s comparison bracket (MongoDB compares `$lt`/`$gte` only within one), when its values can bound a range. */
function bracketOf(value: unknown): Bracket | undefined {
	if (typeof value === 'string') return 'string';
	if (typeof value === 'number') return Number.isNaN(value) ? undefined : 'number';
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : 'date';
	if (typeof value !== 'object' || value === null || !('_bsontype' in value)) return undefined;
	const typed = value as {_bsontype: unknown; value?: unknown};
	switch (typed._bsontype) {
		case 'ObjectId':
			return 'objectId';
		case 'Int32':
		case 'Long':
			return 'number';
		case 'Double':
			return Number.isNaN(Number(typed.value)) ? undefined : 'number';
		default:
			return undefined;
	}
}

/** Values keep their BSON types (an Int32 boundary goes back as an Int32, a Long as a Long). */
const exactValues = {promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true} as const;

function and(filter: Document | undefined, range: Document): Document {
	return filter && Object.keys(filter).length > 0 ? {$and: [filter, range]} : range;
}

/**
 * Filters that together match every document of `collection` that matches
 * `filter` exactly once, whatever the types of their `_id`s: at most `parts`
 * `_id` ranges between boundaries of one comparison bracket (the bracket most
 * boundaries fall in), the first and last open-ended within it, and a
 * remainder, the `$nor` of those ranges, which by construction matches every
 * document no range matched (other types, NaN); each ANDed with `filter`.
 * The ranges are disjoint because a value compares with the boundaries of its
 * bracket in one order, and a value of another bracket matches none.
 *
 * The boundaries are the `_id`s at every `expected / parts`-th position of
 * one `_id`-only scan sorted by `_id` (on MongoDB a walk of the `_id` index;
 * FerretDB v1 sorts in memory). `expected` (the estimated count) only
 * balances the ranges. With fewer than one boundary the answer is `[filter]`.
 */
export async function idRangeFilters(
	collection: Collection,
	filter: Document | undefined,
	options: {parts: number; expected: number; signal?: AbortSignal | undefined},
): Promise<Document[]> {
	const whole = [filter ?? {}];
	const step = Math.ceil(options.expected / options.parts);
	if (options.parts < 2 || step < 1) return whole;
	const picked: Array<{bracket: Bracket; value: unknown}> = [];
	// Raw: only the few documents picked are decoded.
	const cursor = collection.find(filter ?? {}, {projection: {_id: 1}, sort: {_id: 1}, batchSize: 10_000, raw: true});
	try {
		let position = 0;
		while (picked.length < options.parts - 1 && (await cursor.hasNext())) {
			throwIfAborted(options.signal, `splitting ${collection.collectionName}`);
			for (const document of cursor.readBufferedDocuments() as unknown as Buffer[]) {
				if (position > 0 && position % step === 0 && picked.length < options.parts - 1) {
					const value: unknown = deserialize(document, exactValues)._id;
					const bracket = bracketOf(value);
					if (bracket) picked.push({bracket, value});
				}

				position++;
			}
		}
	} finally {
		await cursor.close().catch(() => {});
	}

	const sizes = new Map<Bracket, number>();
	for (const {bracket} of picked) sizes.set(bracket, (sizes.get(bracket) ?? 0) + 1);
	const [bracket] = [...sizes].sort((a, b) => b[1] - a[1])[0] ?? [];
	// The scan is sorted, so the boundaries of one bracket come in ascending order.
	const bounds = picked.filter(entry => entry.bracket === bracket).map(entry => entry.value);
	if (bounds.length === 0) return whole;
	const ranges: Document[] = [{_id: {$lt: bounds[0]}}];
	for (let index = 1; index < bounds.length; index++) ranges.push({_id: {$gte: bounds[index - 1], $lt: bounds[index]}});
	ranges.push({_id: {$gte: bounds.at(-1)}});
	return [...ranges, {$nor: ranges}].map(range => and(filter, range));
}

/** One cursor's share of a collection: the documents `filter` matches. */
export type RangeTask<T> = {collection: T; filter: Document; ranges: number};

export type PlanRangesOptions<T> = {
	/** From how many documents a collection is split ({@link splitThreshold}); undefined: none is. */
	threshold: number | undefined;
	/** Ranges per split collection (the pool's size, so a lone large collection keeps every cursor busy). */
	parts: number;
	/** The collection to read `item` from, and whether it may be split (a capped collection keeps its natural order: never). */
	source: (item: T) => {collection: Collection; splittable: boolean};
	/** A QuerySet's filter of `item`, ANDed with every range. */
	filterOf: (item: T) => Document | undefined;
	/** How many documents `item` holds (or its filter matches), for the threshold and the boundaries' spacing. */
	countOf: (item: T) => Promise<number | undefined> | number | undefined;
	/** Names the work in the `dump:collection-split` events, e.g. `backup production`. */
	label: string;
	events?: EventSink | undefined;
	signal?: AbortSignal | undefined;
};

/**
 * The cursors that read `items`, in their order, a collection's ranges next
 * to each other: one task per collection under the threshold, one per range
 * ({@link idRangeFilters}) of those at or over it, each split announced as a
 * `dump:collection-split` event. Run them in one pool; with
 * {@link rangeCountdown}, a collection ends once, after its last range.
 */
export async function planRangeTasks<T>(items: readonly T[], options: PlanRangesOptions<T>): Promise<Array<RangeTask<T>>> {
	const events = options.events ?? ignoreEvents;
	const tasks: Array<RangeTask<T>> = [];
	for (const item of items) {
		const filter = options.filterOf(item);
		const {collection, splittable} = options.source(item);
		const count = splittable && options.threshold !== undefined ? await options.countOf(item) : undefined;
		if (count === undefined || count < options.threshold! || options.parts < 2) {
			tasks.push({collection: item, filter: filter ?? {}, ranges: 1});
			continue;
		}

		const filters = await idRangeFilters(collection, filter, {parts: options.parts, expected: count, signal: options.signal});
		if (filters.length > 1)
			events({
				type: 'dump:collection-split',
				label: options.label,
				collection: collection.collectionName,
				documents: count,
				ranges: filters.length,
			});
		for (const range of filters) tasks.push({collection: item, filter: range, ranges: filters.length});
	}

	return tasks;
}

/** Counts a collection's ranges down: `finished(task)` is true for the last of them to finish, once. */
export function rangeCountdown<T>(tasks: ReadonlyArray<RangeTask<T>>): {finished: (task: RangeTask<T>) => boolean} {
	const left = new Map<T, number>();
	for (const task of tasks) left.set(task.collection, task.ranges);
	return {
		finished(task) {
			const remaining = left.get(task.collection)! - 1;
			left.set(task.collection, remaining);
			return remaining === 0;
		},
	};
}
