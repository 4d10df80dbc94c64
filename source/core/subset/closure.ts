import {createHash} from 'node:crypto';
import type {Db, Document} from 'mongodb';
import {throwIfAborted} from '../errors.js';
import {type KeptSet, type KeptSets, keyBatch} from './kept-set.js';
import {isSliced, type SubsetPlan} from './plan.js';
import {type Reference, referenceValues} from './references.js';
import type {SubsetSpec} from './spec.js';
import {keyValue, valueKey} from './value-key.js';

/** A sliced collection during the closure: its kept `_id`s and the values its kept documents hold at the fields and paths references name. */
type Slice = {
	name: string;
	kept: KeptSet;
	/** Values of kept documents by path (`_id` is `kept` itself). */
	tracked: Map<string, {steps: string[]; set: KeptSet}>;
	/** Down rules: a document is kept when a value at `steps` is in `set` (a parent's tracked field). */
	down: Array<{steps: string[]; set: KeptSet}>;
	/** Percentages of this collection that are roots. */
	percents: number[];
	/** The versions of the down rules' sets at the last scan; undefined before the first. */
	scannedAt: number[] | undefined;
};

/** A reference followed up from a sliced collection: values its kept documents hold that the referred collection has not kept yet are looked up there. */
type UpEdge = {
	reference: Reference;
	/** The referred collection's slice, or undefined when it is copied whole (then every value is looked up, to find the dangling ones). */
	to: Slice | undefined;
	pending: Set<string>;
	/** Values found in no document of the referred collection: dangling in the source. */
	dangling: KeptSet;
};

/** What the closure found: each sliced collection's kept `_id`s, and per reference the values that point at nothing in the source. */
export type Closure = {
	kept: Map<string, KeptSet>;
	dangling: Array<{entry: string; values: number}>;
};

/** Steps of a field (`sku`, `a.b`). */
const stepsOf = (field: string) => field.split('.');

/**
 * Computes which documents a subset keeps, to a fixed point: the roots (a
 * filter, read by the server; a percentage, by a hash of the seed and `_id`);
 * down, scans of each `down` collection whose parents kept more since its
 * last scan, keeping the documents that reference a kept one; up, lookups
 * of the values kept documents reference that the referred (sliced)
 * collection has not kept, keeping what holds them (every sliced collection,
 * so the slice stays consistent; with `both`, the `up` ones too). A value
 * found nowhere is dangling in the source, counted per reference. Kept
 * documents are never dropped, so cycles end.
 */
export async function computeClosure(options: {
	db: Db;
	plan: SubsetPlan;
	spec: SubsetSpec;
	sets: KeptSets;
	signal?: AbortSignal | undefined;
	what: string;
}): Promise<Closure> {
	const {db, plan, spec, sets, signal, what} = options;
	const slices = new Map<string, Slice>();
	for (const collection of plan.collections) {
		if (!isSliced(collection.role)) continue;
		slices.set(collection.name, {
			name: collection.name,
			kept: sets.create(),
			tracked: new Map(),
			down: [],
			percents: [],
			scannedAt: undefined,
		});
	}

	const trackedSet = (slice: Slice, path: string): KeptSet => {
		if (path === '_id') return slice.kept;
		let entry = slice.tracked.get(path);
		if (!entry) {
			entry = {steps: stepsOf(path), set: sets.create()};
			slice.tracked.set(path, entry);
		}

		return entry.set;
	};

	const parentsOf = new Map(plan.collections.map(collection => [collection.name, collection.parents]));
	const ups: UpEdge[] = [];
	const upsFrom = new Map<string, UpEdge[]>();
	for (const reference of plan.references) {
		const from = slices.get(reference.from.collection);
		if (!from) continue;
		const to = slices.get(reference.to.collection);
		if (to && parentsOf.get(from.name)?.has(to.name))
			from.down.push({steps: reference.from.steps, set: trackedSet(to, reference.to.field)});
		if (to) trackedSet(to, reference.to.field);
		trackedSet(from, reference.from.steps.join('.'));
		const edge: UpEdge = {reference, to, pending: new Set(), dangling: sets.create()};
		ups.push(edge);
		upsFrom.set(from.name, [...(upsFrom.get(from.name) ?? []), edge]);
	}

	for (const root of spec.roots) if ('percent' in root) slices.get(root.collection)!.percents.push(root.percent);

	/** Keeps these documents of `slice` (decoded, with the fields references name): adds their `_id`s, and for those new, the values they hold. */
	const keep = async (slice: Slice, documents: Document[]): Promise<void> => {
		if (documents.length === 0) return;
		const fresh = new Set(await slice.kept.add(documents.map(document => valueKey(document._id))));
		const kept = documents.filter(document => fresh.delete(valueKey(document._id)));
		for (const [path, {steps, set}] of slice.tracked) {
			const added = await set.add(kept.flatMap(document => referenceValues(document, steps).map(valueKey)));
			for (const edge of upsFrom.get(slice.name) ?? []) {
				if (edge.reference.from.steps.join('.') !== path) continue;
				await queueLookups(edge, added);
			}
		}
	};

	/** Queues the values a reference's kept documents hold that its referred collection does not hold yet. */
	const queueLookups = async (edge: UpEdge, values: string[]): Promise<void> => {
		if (values.length === 0) return;
		const known = edge.to ? await trackedSet(edge.to, edge.reference.to.field).has(values) : values.map(() => false);
		for (const [index, value] of values.entries()) if (!known[index]) edge.pending.add(value);
	};

	const projectionOf = (slice: Slice): Document => {
		const fields = new Set(['_id']);
		for (const {steps} of slice.tracked.values()) fields.add(steps[0]!);
		for (const {steps} of slice.down) fields.add(steps[0]!);
		return Object.fromEntries([...fields].map(field => [field, 1]));
	};

	// The filter roots: the server reads them.
	for (const root of spec.roots) {
		if (!('filter' in root)) continue;
		const slice = slices.get(root.collection)!;
		await readInBatches(db, slice.name, root.filter, projectionOf(slice), signal, what, async batch => keep(slice, batch));
	}

	/** Resolves every queued lookup; true when any document was kept. */
	const lookUp = async (): Promise<boolean> => {
		let keptAny = false;
		for (const edge of ups) {
			while (edge.pending.size > 0) {
				const values = [...edge.pending].slice(0, keyBatch);
				for (const value of values) edge.pending.delete(value);
				const field = edge.reference.to.field;
				const filter = {[field]: {$in: values.map(keyValue)}};
				const found = new Set<string>();
				const to = edge.to;
				await readInBatches(
					db,
					edge.reference.to.collection,
					filter,
					to ? projectionOf(to) : {[stepsOf(field)[0]!]: 1},
					signal,
					what,
					async batch => {
						for (const document of batch) for (const value of referenceValues(document, stepsOf(field))) found.add(valueKey(value));
						if (!to) return;
						const before = to.kept.size;
						await keep(to, batch);
						if (to.kept.size > before) keptAny = true;
					},
				);
				await edge.dangling.add(values.filter(value => !found.has(value)));
			}
		}

		return keptAny;
	};

	/** Scans a sliced collection whose rules may keep more than last time; true when it kept any. */
	const scan = async (slice: Slice): Promise<boolean> => {
		const versions = slice.down.map(rule => rule.set.version);
		const due =
			slice.scannedAt === undefined
				? slice.down.length > 0 || slice.percents.length > 0
				: versions.some((version, index) => version !== slice.scannedAt![index]);
		if (!due) return false;
		slice.scannedAt = versions;
		const before = slice.kept.size;
		await readInBatches(db, slice.name, {}, projectionOf(slice), signal, what, async batch => {
			const ids = batch.map(document => valueKey(document._id));
			const already = await slice.kept.has(ids);
			const candidates = batch.filter((_, index) => !already[index]);
			const chosen = new Set<Document>();
			for (const document of candidates)
				if (slice.percents.some(percent => inSample(spec.seed, valueKey(document._id), percent))) chosen.add(document);
			for (const rule of slice.down) {
				const open = candidates.filter(document => !chosen.has(document));
				const values = open.map(document => referenceValues(document, rule.steps).map(valueKey));
				const answers = await rule.set.has(values.flat());
				let at = 0;
				for (const [index, document] of open.entries()) {
					const held = values[index]!;
					if (answers.slice(at, at + held.length).some(Boolean)) chosen.add(document);
					at += held.length;
				}
			}

			await keep(
				slice,
				candidates.filter(document => chosen.has(document)),
			);
		});
		return slice.kept.size > before;
	};

	for (let changed = true; changed; ) {
		throwIfAborted(signal, what);
		changed = await lookUp();
		for (const slice of slices.values()) if (await scan(slice)) changed = true;
		if (ups.some(edge => edge.pending.size > 0)) changed = true;
	}

	return {
		kept: new Map([...slices].map(([name, slice]) => [name, slice.kept])),
		dangling: ups.filter(edge => edge.dangling.size > 0).map(edge => ({entry: edge.reference.entry, values: edge.dangling.size})),
	};
}

/**
 * Whether a document is in a percentage's sample: the first 6 bytes of
 * sha256(seed, `_id`'s key) as a fraction below `percent`/100. The same seed
 * picks the same documents on every run and every server.
 */
export function inSample(seed: string, idKey: string, percent: number): boolean {
	const digest = createHash('sha256').update(seed).update('\0').update(idKey).digest();
	return digest.readUIntBE(0, 6) / 2 ** 48 < percent / 100;
}

async function readInBatches(
	db: Db,
	collection: string,
	filter: Document,
	projection: Document,
	signal: AbortSignal | undefined,
	what: string,
	each: (batch: Document[]) => Promise<void>,
): Promise<void> {
	const cursor = db.collection(collection).find(filter, {projection, batchSize: keyBatch});
	try {
		let batch: Document[] = [];
		for await (const document of cursor) {
			batch.push(document);
			if (batch.length < keyBatch) continue;
			throwIfAborted(signal, what);
			await each(batch);
			batch = [];
		}

		if (batch.length > 0) await each(batch);
	} finally {
		await cursor.close().catch(() => {});
	}
}
