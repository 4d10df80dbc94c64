import type {Db} from 'mongodb';
import {BSONType, EJSON} from '../bson.js';
import {describeCollections} from '../collections.js';
import type {ProjectConfig} from '../config/load.js';
import {connect} from '../connection.js';
import {type ConfigEdit, checkEditedSection, editConfigText, replaceConfigFile} from '../edit-config-file.js';
import {MonarchError, throwIfAborted} from '../errors.js';
import type {EventSink} from '../events.js';
import type {Prompter} from '../prompts.js';
import {readSample, type SampledRun, startSampledRun} from '../sample-documents.js';
import {readBsonValue, walkPaths} from '../scrub/paths.js';
import {sharePercent} from './reference-lines.js';
import {collectionsNamed, referenceStem} from './reference-names.js';
import {parseReferences, type Reference} from './references.js';
import type {ReferencesSuggestResult, SuggestedReference} from './suggested-reference.js';

export type {ReferencesSuggestResult, SuggestedReference} from './suggested-reference.js';

export type ReferencesSuggestOptions = SampledRun & {
	config: ProjectConfig;
	environment: string;
	/** Add the proposed references monarch.json lacks to its `references` (`--write`). */
	write?: boolean | undefined;
	/** With `write`: asks first, showing the entries it adds (the TUI); without, --write asks nothing (the user reviews the diff). */
	prompter?: Prompter | undefined;
};

/** A reference is proposed when at least this share of its sampled values are found in the target (dangling references in the source stay below 1). */
export const proposeAt = 0.8;

/**
 * Distinct values looked up per path at most, spread over the sample: the
 * share found is a proportion, which 200 values estimate within a few
 * percent, and the lookups stay a few queries per collection whatever
 * `--sample` is.
 */
export const lookedUp = 200;

/** Values of these BSON types can be ids: double, string, binData (UUIDs), ObjectId, int, long. */
const idTypes = new Set<number>([BSONType.double, BSONType.string, BSONType.binData, BSONType.objectId, BSONType.int, BSONType.long]);
const objectIdType = BSONType.objectId;

/** What the sample holds at one path that may be a reference. */
type PathValues = {
	collection: string;
	path: string;
	/** The collections its name points at (empty when the name says nothing). */
	named: string[];
	/** Distinct values by key (valueKey). */
	values: Map<string, unknown>;
	/** Every value seen is an ObjectId. */
	objectIds: boolean;
};

/**
 * `monarch references suggest <env>`: proposes monarch.json `references`
 * from the data (read-only connection). Every collection's sample (as
 * scrub_suggest reads it) is walked with `walkPaths`; a path is a candidate
 * when its name says `<x>_id` (or `<x>Id`, `<x>_ids[]`) and a collection is
 * named like `<x>`, or when all its values are ObjectIds. Its distinct values
 * are looked up in the target's `_id`: a name-based candidate is proposed when
 * at least `proposeAt` of them are found in the collection it names, an
 * ObjectId one when they are found in exactly one collection. With `write`,
 * the proposals monarch.json lacks are added to its `references` (its
 * formatting and entries kept), refusing if the file changed meanwhile.
 */
export async function suggestReferences(options: ReferencesSuggestOptions): Promise<ReferencesSuggestResult> {
	const {config} = options;
	const {events, sample, environment, original} = await startSampledRun(config, options);
	const declared = declaredReferences(config);
	const connection = await connect(environment, {access: 'read'});
	const result: ReferencesSuggestResult = {
		environment: environment.name,
		file: config.displayFile,
		sample,
		proposeAt,
		collections: [],
		proposed: [],
		rejected: [],
		declaredOnly: [],
	};
	try {
		// A reference names its collection before the first dot, so a collection with a dot in its name can be in none.
		const names = (await describeCollections(connection.db))
			.filter(info => info.type !== 'view' && !info.name.includes('.'))
			.map(info => info.name);
		const candidates: PathValues[] = [];
		const objectIdCollections: string[] = [];
		const observed = new Map<string, Set<string>>();
		for (const name of names) {
			throwIfAborted(options.signal, 'references suggest');
			const read = await sampleCandidates(connection.db, name, names, {sample, events, signal: options.signal});
			result.collections.push({name, sampled: read.sampled});
			observed.set(name, read.paths);
			candidates.push(...read.candidates);
			if (read.objectIdKeys) objectIdCollections.push(name);
		}

		for (const candidate of candidates) candidate.values = spread(candidate.values, lookedUp);
		const found = await lookUp(connection.db, candidates, objectIdCollections, {events, signal: options.signal});
		for (const candidate of candidates) {
			const suggestion = judge(candidate, found, objectIdCollections);
			if (!suggestion) continue;
			suggestion.current = declared.get(withoutArrays(suggestion.path)) ?? null;
			(suggestion.found >= proposeAt && suggestion.target !== null ? result.proposed : result.rejected).push(suggestion);
		}

		result.declaredOnly = declaredOnly(config.references, result, observed);
	} finally {
		await connection.close();
	}

	if (original !== undefined) result.written = await writeReferences(options, result, original);
	return result;
}

/**
 * What monarch.json's `references` declares: the entry's path without `[]`
 * (`orders.coupon_ids`, however it was written) -> its target (`coupons._id`).
 */
function declaredReferences(config: ProjectConfig): Map<string, string> {
	return new Map(
		config.references.map(reference => [
			`${reference.from.collection}.${reference.from.query}`,
			`${reference.to.collection}.${reference.to.field}`,
		]),
	);
}

/** A `references` key without its `[]` (`orders.coupon_ids[]` -> `orders.coupon_ids`), as declaredReferences keys them. */
function withoutArrays(path: string): string {
	return path.replaceAll('[]', '');
}

/**
 * monarch.json's references the data did not suggest (that path to that
 * target), each with why: a
 * collection or path the environment lacks, a target other than `_id`, or
 * why its values were not proposed.
 */
function declaredOnly(
	references: readonly Reference[],
	result: ReferencesSuggestResult,
	observed: ReadonlyMap<string, ReadonlySet<string>>,
): ReferencesSuggestResult['declaredOnly'] {
	const suggested = new Set(result.proposed.map(reference => `${withoutArrays(reference.path)} ${reference.target}`));
	const rejected = new Map(result.rejected.map(reference => [withoutArrays(reference.path), reference]));
	const sampled = new Map(result.collections.map(collection => [collection.name, collection.sampled]));
	const why = (reference: Reference): string => {
		const {from, to} = reference;
		for (const collection of [from.collection, to.collection])
			if (!observed.has(collection)) return `${result.environment} has no collection ${collection}`;
		if (sampled.get(from.collection) === 0) return `${from.collection} has no documents`;
		const paths = [...(observed.get(from.collection) ?? [])];
		if (!paths.some(path => path === from.query || path.startsWith(`${from.query}.`)))
			return `no sampled document of ${from.collection} holds ${from.path}`;
		if (to.field !== '_id') return `a reference to ${to.field}, not _id, is never proposed`;
		return rejected.get(`${from.collection}.${from.query}`)?.reason ?? 'neither named like a collection nor holding only ObjectIds';
	};

	return references
		.filter(
			reference => !suggested.has(`${reference.from.collection}.${reference.from.query} ${reference.to.collection}.${reference.to.field}`),
		)
		.map(reference => ({path: reference.entry, target: `${reference.to.collection}.${reference.to.field}`, reason: why(reference)}));
}

/** Reads a collection's sample and keeps the values of every path that may be a reference; says whether its `_id`s are ObjectIds. */
async function sampleCandidates(
	db: Db,
	name: string,
	collections: readonly string[],
	options: {sample: number; events: EventSink; signal: AbortSignal | undefined},
): Promise<{sampled: number; candidates: PathValues[]; objectIdKeys: boolean; paths: Set<string>}> {
	const paths = new Map<string, PathValues | null>();
	let objectIdKeys = false;
	const candidate = (path: string): PathValues | null => {
		let entry = paths.get(path);
		if (entry === undefined) {
			const stem = path === '_id' ? undefined : referenceStem(path);
			const named = stem === undefined ? [] : collectionsNamed(stem, collections);
			entry = path === '_id' ? null : {collection: name, path, named, values: new Map(), objectIds: true};
			paths.set(path, entry);
		}

		return entry;
	};

	const sampled = await readSample(db, name, {...options, command: 'references suggest'}, raw => {
		walkPaths(raw, (path, type, offset, length) => {
			if (path === '_id') {
				if (type === objectIdType) objectIdKeys = true;
				return;
			}

			const entry = candidate(path);
			if (!entry) return;
			if (type !== objectIdType) entry.objectIds = false;
			if (!idTypes.has(type) || entry.values.size >= options.sample) return;
			const value = readBsonValue(raw, type, offset, length);
			entry.values.set(valueKey(value), value);
		});
	});
	const candidates = [...paths.values()].filter(
		(entry): entry is PathValues => entry !== null && entry.values.size > 0 && (entry.named.length > 0 || entry.objectIds),
	);
	return {sampled, candidates, objectIdKeys, paths: new Set(['_id', ...[...paths.keys()].map(path => withoutArrays(path))])};
}

/** A value as a key: numbers by value (an int32 5 finds a long 5, as MongoDB's `$in` does), the rest as canonical Extended JSON. */
function valueKey(value: unknown): string {
	return typeof value === 'number' ? `n:${value}` : EJSON.stringify(value, {relaxed: false});
}

/** At most `limit` of `values`, spread over them (the sample's first documents by `_id` and its last alike). */
function spread(values: Map<string, unknown>, limit: number): Map<string, unknown> {
	if (values.size <= limit) return values;
	const entries = [...values];
	return new Map(Array.from({length: limit}, (_, index) => entries[Math.floor((index * entries.length) / limit)]!));
}

/** The keys found in each collection's `_id`s, for the values asked there. */
type Found = Map<string, Set<string>>;

/**
 * Looks the candidates' values up in the `_id`s of the collections they may
 * point at, in two rounds, each one `$in` per collection (1000 values at a
 * time) holding every value asked there, so a server that scans for `$in`
 * (FerretDB v1) reads each collection once or twice, not once per candidate.
 * First every candidate's values in the collections it is named like, with a
 * probe of `probed` values of each ObjectId candidate in every collection
 * keyed by ObjectIds; then, for the ObjectId candidates their name did not
 * settle, all their values in the collections the probe found any in. A
 * collection the probe found none in holds none of them, as far as the
 * suggestion goes.
 */
async function lookUp(
	db: Db,
	candidates: readonly PathValues[],
	objectIdCollections: readonly string[],
	run: {events: EventSink; signal: AbortSignal | undefined},
): Promise<Found> {
	const found: Found = new Map();
	const probes = new Map(
		candidates.filter(candidate => candidate.objectIds).map(candidate => [candidate, spread(candidate.values, probed)]),
	);
	await lookUpRound(
		db,
		[
			...candidates.map(candidate => ({values: candidate.values, targets: candidate.named})),
			...[...probes.values()].map(values => ({values, targets: objectIdCollections})),
		],
		found,
		run,
	);
	const open = [...probes].filter(([candidate]) => !candidate.named.some(collection => shareIn(candidate, found, collection) >= proposeAt));
	const hits = open.map(([candidate, probe]) => ({
		values: candidate.values,
		targets: objectIdCollections.filter(
			collection => !candidate.named.includes(collection) && [...probe.keys()].some(key => found.get(collection)?.has(key)),
		),
	}));
	await lookUpRound(db, hits, found, run);
	return found;
}

/** Values probed per ObjectId candidate in every collection keyed by ObjectIds, before all of them are looked up where any was found. */
const probed = 10;

/** One round of lookUp: per target collection, the union of the values asked there, looked up; the keys found are added to `found`. */
async function lookUpRound(
	db: Db,
	asks: ReadonlyArray<{values: ReadonlyMap<string, unknown>; targets: readonly string[]}>,
	found: Found,
	run: {events: EventSink; signal: AbortSignal | undefined},
): Promise<void> {
	const wanted = new Map<string, Map<string, unknown>>();
	for (const ask of asks) {
		for (const target of ask.targets) {
			const values = wanted.get(target) ?? new Map<string, unknown>();
			for (const [key, value] of ask.values) values.set(key, value);
			wanted.set(target, values);
		}
	}

	const task = 'look up sampled values';
	let done = 0;
	for (const [collection, values] of wanted) {
		const all = [...values.values()];
		const keys = found.get(collection) ?? new Set<string>();
		for (let start = 0; start < all.length; start += 1000) {
			throwIfAborted(run.signal, 'references suggest');
			const ids = await db
				.collection(collection)
				.find({_id: {$in: all.slice(start, start + 1000) as never[]}}, {projection: {_id: 1}})
				.toArray();
			for (const document of ids) keys.add(valueKey(document._id));
		}

		found.set(collection, keys);
		run.events({type: 'progress', task, done: ++done, total: wanted.size});
	}
}

/** The share of a candidate's values found in `collection`'s `_id`s. */
function shareIn(candidate: PathValues, found: ReadonlyMap<string, ReadonlySet<string>>, collection: string): number {
	const keys = found.get(collection);
	if (!keys) return 0;
	let count = 0;
	for (const key of candidate.values.keys()) if (keys.has(key)) count++;
	return count / candidate.values.size;
}

/** The suggestion for one candidate: by its name first, then (ObjectIds) by the one collection whose `_id`s they are. */
function judge(
	candidate: PathValues,
	found: ReadonlyMap<string, ReadonlySet<string>>,
	objectIdCollections: readonly string[],
): SuggestedReference | undefined {
	const path = `${candidate.collection}.${candidate.path}`;
	const values = candidate.values.size;
	let named: SuggestedReference | undefined;
	for (const collection of candidate.named) {
		const share = shareIn(candidate, found, collection);
		if (named === undefined || share > named.found)
			named = {path, target: `${collection}._id`, by: 'name', found: share, values, reason: `named like ${collection}`, current: null};
	}

	if (named && named.found >= proposeAt) return named;
	if (!candidate.objectIds) {
		if (named) named.reason += `, but only ${sharePercent(named.found)} of its values are found there`;
		return named;
	}

	const holders = objectIdCollections
		.map(collection => ({collection, found: shareIn(candidate, found, collection)}))
		.filter(holder => holder.found > 0);
	const [only] = holders;
	if (holders.length === 1 && only) {
		const reason = `ObjectIds found only in ${only.collection}._id${only.found >= proposeAt ? '' : `, but only ${sharePercent(only.found)} of them`}`;
		if (only.found >= proposeAt || !named)
			return {path, target: `${only.collection}._id`, by: 'objectId', found: only.found, values, reason, current: null};
	}

	if (named) {
		named.reason += `, but only ${sharePercent(named.found)} of its values are found there`;
		return named;
	}

	const where =
		holders.length === 0
			? 'found in no collection'
			: `found in ${holders.length} collections (${holders.map(holder => `${holder.collection}._id ${sharePercent(holder.found)}`).join(', ')})`;
	return {path, target: null, by: 'objectId', found: 0, values, reason: `ObjectIds ${where}`, current: null};
}

/** The confirmation (a prompter: the TUI) and the write of the proposals monarch.json's `references` lacks. */
async function writeReferences(
	options: ReferencesSuggestOptions,
	result: ReferencesSuggestResult,
	original: string,
): Promise<{added: Array<{path: string; target: string}>}> {
	const {config} = options;
	const added = result.proposed
		.filter(reference => reference.current === null && reference.target !== null)
		.map(reference => ({path: reference.path, target: reference.target!}));
	if (added.length === 0) return {added};
	if (options.prompter) {
		const confirmed = await options.prompter.confirm({
			key: 'write',
			message: `Add ${added.length === 1 ? '1 reference' : `${added.length} references`} to ${config.displayFile}?`,
			default: false,
			details: added.map(entry => `${entry.path} → ${entry.target}`),
		});
		if (!confirmed)
			throw new MonarchError(
				'refused',
				`Not confirmed: references suggest ${result.environment} --write; nothing written to ${config.displayFile}`,
				{hint: 'confirm at the prompt, or run monarch references suggest --write, which asks nothing (review the diff)'},
			);
	}

	const edits: ConfigEdit[] = added.map(entry => ({path: ['references', entry.path], value: entry.target}));
	const text = editConfigText(original, edits);
	checkEditedSection(text, 'references', config.displayFile, parseReferences);
	await replaceConfigFile({file: config.file, displayFile: config.displayFile, original, text, command: 'references suggest'});
	return {added};
}
