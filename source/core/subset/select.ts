import type {Db, Document} from 'mongodb';
import {countForProgress, describeCollections} from '../collections.js';
import {MonarchError, throwIfAborted} from '../errors.js';
import {type EventSink, ignoreEvents} from '../events.js';
import type {SelectedCollection, Selection} from '../querysets/selection.js';
import {serverTraits} from '../server-traits.js';
import type {SubsetEstimate} from '../subset-estimate.js';
import {type Closure, computeClosure} from './closure.js';
import {keptDocuments} from './kept-documents.js';
import {readKept} from './kept-reader.js';
import {KeptSets, type SpillPlace} from './kept-set.js';
import {isSliced, planSubset} from './plan.js';
import type {Reference} from './references.js';
import type {SubsetSpec} from './spec.js';
import {rawIdKey} from './value-key.js';

/** Keys all sets of a run hold in memory before the largest spills (`MONARCH_SUBSET_MEMORY_KEYS` sets it; about 100 bytes a key). */
export function memoryKeys(): number {
	const set = Number(process.env.MONARCH_SUBSET_MEMORY_KEYS);
	return Number.isInteger(set) && set >= 0 ? set : 200_000;
}

export type SelectSubsetOptions = {
	/** The source database. */
	db: Db;
	/** The source environment's name, for messages. */
	environment: string;
	spec: SubsetSpec;
	references: readonly Reference[];
	/** Where an entry is declared, for messages: `monarch.json` or a QuerySet's file. */
	declaredIn: (entry: string) => string;
	/** Where large sets spill (the target's server). */
	spill: SpillPlace;
	/** A copy: the kept documents go to the spill database as the closure keeps them, and the copy reads them from there (kept-documents.ts). */
	keepDocuments?: boolean | undefined;
	events?: EventSink | undefined;
	signal?: AbortSignal | undefined;
	/** Names the work in errors, e.g. `copy_db production:staging`. */
	what: string;
};

/** A subset worked out: what to copy (a Selection, the route QuerySets take) and the estimate shown before copying. */
export type SubsetSelection = {selection: Selection; estimate: SubsetEstimate};

/**
 * Works out a subset of the source: checks the roots and the references
 * against it (an unknown collection, or a path no document holds, is one
 * line naming the entry), plans each collection's role, computes the kept
 * documents to a fixed point ({@link computeClosure}), and returns them as a
 * Selection (sliced collections read whole and kept by `_id`; the others whole
 * or left out) with the estimate, also sent as a `subset:estimate` event.
 * Reads the source only; large sets go to `spill`.
 */
export async function selectSubset(options: SelectSubsetOptions): Promise<SubsetSelection> {
	const {db, spec, signal, what} = options;
	const events = options.events ?? ignoreEvents;
	const infos = await describeCollections(db);
	const names = infos.map(info => info.name);
	const known = new Set(infos.filter(info => info.type !== 'view').map(info => info.name));
	for (const root of spec.roots) {
		if (!known.has(root.collection)) {
			throw new MonarchError(
				'usage',
				`--subset ${root.text}: ${options.environment} (database ${db.databaseName}) has no collection ${root.collection}`,
				{
					hint: `name one of ${[...known].join(', ') || '(none)'}; nothing was copied`,
				},
			);
		}
	}

	await checkReferences(options, known);
	throwIfAborted(signal, what);
	const plan = planSubset(spec, options.references, names);
	const sets = new KeptSets({memoryKeys: memoryKeys(), place: options.spill});
	const store = options.keepDocuments ? keptDocuments(options.spill) : undefined;
	let closure: Closure;
	try {
		closure = await computeClosure({db, plan, spec, sets, signal, what, keepDocuments: store?.write});
	} finally {
		// Nothing may still write once the run goes on or cleans up.
		await store?.flush().catch(() => {});
	}

	await store?.flush();
	const traits = await serverTraits(db);
	const collections: SubsetEstimate['collections'] = [];
	const selection: SelectedCollection[] = [];
	for (const planned of plan.collections) {
		const size = await sizeOf(db, planned.name);
		const kept = closure.kept.get(planned.name);
		const documents = kept ? kept.size : planned.role === 'left out' ? 0 : size.documents;
		collections.push({
			name: planned.name,
			role: planned.role,
			documents,
			bytes: size.documents > 0 ? Math.round((size.bytes * documents) / size.documents) : 0,
			totalDocuments: size.documents,
			totalBytes: size.bytes,
		});
		if (planned.role === 'left out') continue;
		if (!kept || !isSliced(planned.role)) {
			selection.push({name: planned.name, filter: {}});
			continue;
		}

		if (store) {
			selection.push({name: planned.name, filter: {}, count: kept.size, batches: () => store.read(planned.name)});
			continue;
		}

		// Where the `_id` index answers `$in` (MongoDB), a slice of at most half its collection is read by `_id` (kept-reader.ts).
		if (traits.indexedIdRanges && kept.size <= size.documents / 2) {
			selection.push({name: planned.name, filter: {}, count: kept.size, batches: collection => readKept(collection, kept)});
			continue;
		}

		selection.push({
			name: planned.name,
			filter: {},
			count: kept.size,
			async keep(batch) {
				const answers = await kept.has(batch.map(rawIdKey));
				return batch.filter((_, index) => answers[index]);
			},
		});
	}

	const sum = (pick: (entry: SubsetEstimate['collections'][number]) => number) =>
		collections.reduce((total, entry) => total + pick(entry), 0);
	const estimate: SubsetEstimate = {
		source: options.environment,
		roots: spec.roots.map(root => root.text),
		follow: spec.follow,
		only: spec.only,
		seed: spec.seed,
		collections,
		documents: sum(entry => entry.documents),
		bytes: sum(entry => entry.bytes),
		totalDocuments: sum(entry => entry.totalDocuments),
		totalBytes: sum(entry => entry.totalBytes),
		dangling: closure.dangling,
		spilledSets: sets.spilled,
	};
	events({type: 'subset:estimate', estimate});
	return {selection: {collections: selection}, estimate};
}

/** Every reference names collections the source has, and paths some document holds (an empty collection says nothing). */
async function checkReferences(options: SelectSubsetOptions, known: Set<string>): Promise<void> {
	const {db, environment, declaredIn} = options;
	const fail = (reference: Reference, why: string) =>
		new MonarchError(
			'config',
			`${declaredIn(reference.entry)}: references.${reference.entry}: ${why} in ${environment} (database ${db.databaseName})`,
			{
				hint: 'fix the entry (or run `monarch references suggest`); nothing was copied',
			},
		);
	for (const reference of options.references) {
		for (const collection of [reference.from.collection, reference.to.collection]) {
			if (!known.has(collection)) throw fail(reference, `there is no collection ${collection}`);
		}

		for (const [collection, path] of [
			[reference.from.collection, reference.from.query],
			[reference.to.collection, reference.to.field],
		] as const) {
			const any = await db.collection(collection).findOne({}, {projection: {_id: 1}});
			if (!any) continue;
			const holding = await db.collection(collection).findOne({[path]: {$exists: true}}, {projection: {_id: 1}});
			if (!holding) throw fail(reference, `no document of ${collection} has ${path}`);
		}
	}
}

/** Documents and bytes of a collection, from the server's statistics (0 bytes when it gives none). */
async function sizeOf(db: Db, name: string): Promise<{documents: number; bytes: number}> {
	const documents = await countForProgress(db, name);
	try {
		const stats: Document = await db.command({collStats: name});
		const bytes = Number(stats.size);
		const count = Number(stats.count);
		if (Number.isFinite(bytes) && count > 0) return {documents, bytes: Math.round((bytes / count) * documents)};
	} catch {
		// No statistics: bytes unknown.
	}

	return {documents, bytes: 0};
}
