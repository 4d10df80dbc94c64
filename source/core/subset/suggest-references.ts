import {readFile} from 'node:fs/promises';
import type {Db} from 'mongodb';
import {EJSON} from '../bson.js';
import {describeCollections} from '../collections.js';
import type {ProjectConfig} from '../config/load.js';
import {connect} from '../connection.js';
import {type ConfigEdit, checkEditedSection, editConfigText, replaceConfigFile} from '../edit-config-file.js';
import {findEnvironment} from '../environments.js';
import {MonarchError, throwIfAborted} from '../errors.js';
import {type EventSink, ignoreEvents} from '../events.js';
import type {Prompter} from '../prompts.js';
import {readSample} from '../sample-documents.js';
import {readBsonValue, walkPaths} from '../scrub/paths.js';
import {sharePercent} from './reference-lines.js';
import {collectionsNamed, referenceStem} from './reference-names.js';
import {parseReferences} from './references.js';
import type {ReferencesSuggestResult, SuggestedReference} from './suggested-reference.js';

export type {ReferencesSuggestResult, SuggestedReference} from './suggested-reference.js';

export type ReferencesSuggestOptions = {
	config: ProjectConfig;
	environment: string;
	/** Documents read per collection (`--sample`, default 1000): half the first by `_id`, half the last. */
	sample?: number | undefined;
	/** Add the proposed references monarch.json lacks to its `references` (`--write`). */
	write?: boolean | undefined;
	/** With `write`: asks first, showing the entries it adds (the TUI); without, --write asks nothing (the user reviews the diff). */
	prompter?: Prompter | undefined;
	events?: EventSink | undefined;
	signal?: AbortSignal | undefined;
};

export const defaultSample = 1000;

/** A reference is proposed when at least this share of its sampled values are found in the target (dangling references in the source stay below 1). */
export const proposeAt = 0.8;

/** Values of these BSON types can be ids: double, string, binData (UUIDs), ObjectId, int, long. */
const idTypes = new Set([1, 2, 5, 7, 16, 18]);
const objectIdType = 7;

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
	const events = options.events ?? ignoreEvents;
	const sample = options.sample ?? defaultSample;
	if (!Number.isInteger(sample) || sample < 1)
		throw new MonarchError('usage', `--sample: expected a whole number of at least 1, got ${sample}`);
	const environment = findEnvironment(config.environments, options.environment, config.displayFile);
	// Read before anything else: --write refuses if the file changes meanwhile.
	const original = options.write ? await readFile(config.file, 'utf8') : undefined;
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
		for (const name of names) {
			throwIfAborted(options.signal, 'references suggest');
			const read = await sampleCandidates(connection.db, name, names, {sample, events, signal: options.signal});
			result.collections.push({name, sampled: read.sampled});
			candidates.push(...read.candidates);
			if (read.objectIdKeys) objectIdCollections.push(name);
		}

		const task = 'look up sampled values';
		for (const [index, candidate] of candidates.entries()) {
			throwIfAborted(options.signal, 'references suggest');
			const suggestion = await judge(connection.db, candidate, objectIdCollections);
			if (suggestion) {
				suggestion.current = declared.get(withoutArrays(suggestion.path)) ?? null;
				(suggestion.found >= proposeAt && suggestion.target !== null ? result.proposed : result.rejected).push(suggestion);
			}

			events({type: 'progress', task, done: index + 1, total: candidates.length});
		}
	} finally {
		await connection.close();
	}

	const suggested = new Set(result.proposed.map(reference => withoutArrays(reference.path)));
	result.declaredOnly = config.references
		.filter(reference => !suggested.has(`${reference.from.collection}.${reference.from.query}`))
		.map(reference => ({path: reference.entry, target: `${reference.to.collection}.${reference.to.field}`}));
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

/** Reads a collection's sample and keeps the values of every path that may be a reference; says whether its `_id`s are ObjectIds. */
async function sampleCandidates(
	db: Db,
	name: string,
	collections: readonly string[],
	options: {sample: number; events: EventSink; signal: AbortSignal | undefined},
): Promise<{sampled: number; candidates: PathValues[]; objectIdKeys: boolean}> {
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
	return {sampled, candidates, objectIdKeys};
}

/** A value as a key: numbers by value (an int32 5 finds a long 5, as MongoDB's `$in` does), the rest as canonical Extended JSON. */
function valueKey(value: unknown): string {
	return typeof value === 'number' ? `n:${value}` : EJSON.stringify(value, {relaxed: false});
}

/** The share of `values` found in `collection`'s `_id` (looked up 1000 at a time). */
async function shareFound(db: Db, collection: string, values: Map<string, unknown>): Promise<number> {
	const all = [...values.values()];
	let found = 0;
	for (let start = 0; start < all.length; start += 1000) {
		const chunk = all.slice(start, start + 1000);
		const ids = await db
			.collection(collection)
			.find({_id: {$in: chunk as never[]}}, {projection: {_id: 1}})
			.toArray();
		found += new Set(ids.map(document => valueKey(document._id))).size;
	}

	return found / all.length;
}

/** The suggestion for one candidate: by its name first, then (ObjectIds) by the one collection whose `_id`s they are. */
async function judge(db: Db, candidate: PathValues, objectIdCollections: readonly string[]): Promise<SuggestedReference | undefined> {
	const path = `${candidate.collection}.${candidate.path}`;
	const values = candidate.values.size;
	let named: SuggestedReference | undefined;
	for (const collection of candidate.named) {
		const found = await shareFound(db, collection, candidate.values);
		if (named === undefined || found > named.found)
			named = {path, target: `${collection}._id`, by: 'name', found, values, reason: `named like ${collection}`, current: null};
	}

	if (named && named.found >= proposeAt) return named;
	if (!candidate.objectIds) {
		if (named) named.reason += `, but only ${sharePercent(named.found)} of its values are found there`;
		return named;
	}

	const holders: Array<{collection: string; found: number}> = [];
	for (const collection of objectIdCollections) {
		const found = await shareFound(db, collection, candidate.values);
		if (found > 0) holders.push({collection, found});
	}

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
