import {createHash} from 'node:crypto';
import type {Db, Document} from 'mongodb';
import {BSON} from '../bson.js';
import {byteLength, collectGarbageEvery} from '../collect-garbage.js';
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

type ClosureOptions = {
	db: Db;
	plan: SubsetPlan;
	spec: SubsetSpec;
	sets: KeptSets;
	signal?: AbortSignal | undefined;
	what: string;
	/**
	 * Where kept documents go as they are kept, raw (each once): when given,
	 * the sliced collections are read whole (not projected), so the copy reads
	 * what it keeps from there instead of scanning the source again.
	 */
	keepDocuments?: ((collection: string, documents: Buffer[]) => Promise<void>) | undefined;
};

/** Decoded documents as read, each with its raw bytes when the closure keeps documents. */
const rawOf = new WeakMap<Document, Buffer>();

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
export async function computeClosure(options: ClosureOptions): Promise<Closure> {
	return new ClosureRun(options).run();
}

class ClosureRun {
	readonly #options: ClosureOptions;
	readonly #slices = new Map<string, Slice>();
	readonly #ups: UpEdge[] = [];
	readonly #upsFrom = new Map<string, UpEdge[]>();
	/** Whole documents read raw are decoded: a full collection per 4 MiB keeps the peak RSS near the live heap, as in the copy's own reads. */
	readonly #collectGarbage = collectGarbageEvery();

	constructor(options: ClosureOptions) {
		this.#options = options;
		const {plan, spec, sets} = options;
		for (const collection of plan.collections) {
			if (!isSliced(collection.role)) continue;
			this.#slices.set(collection.name, {
				name: collection.name,
				kept: sets.create(),
				tracked: new Map(),
				down: [],
				percents: [],
				scannedAt: undefined,
			});
		}

		const parentsOf = new Map(plan.collections.map(collection => [collection.name, collection.parents]));
		for (const reference of plan.references) {
			const from = this.#slices.get(reference.from.collection);
			if (!from) continue;
			const to = this.#slices.get(reference.to.collection);
			if (to && parentsOf.get(from.name)?.has(to.name))
				from.down.push({steps: reference.from.steps, set: this.#tracked(to, reference.to.field)});
			if (to) this.#tracked(to, reference.to.field);
			this.#tracked(from, reference.from.steps.join('.'));
			const edge: UpEdge = {reference, to, pending: new Set(), dangling: sets.create()};
			this.#ups.push(edge);
			this.#upsFrom.set(from.name, [...(this.#upsFrom.get(from.name) ?? []), edge]);
		}

		for (const root of spec.roots) if ('percent' in root) this.#slices.get(root.collection)!.percents.push(root.percent);
	}

	async run(): Promise<Closure> {
		const {spec, signal, what} = this.#options;
		// The filter roots: the server reads them.
		for (const root of spec.roots) {
			if (!('filter' in root)) continue;
			const slice = this.#slices.get(root.collection)!;
			await this.#read(slice.name, root.filter, this.#projection(slice), async batch => this.#keep(slice, batch), true);
		}

		for (let changed = true; changed; ) {
			throwIfAborted(signal, what);
			changed = await this.#lookUp();
			for (const slice of this.#slices.values()) if (await this.#scan(slice)) changed = true;
			if (this.#ups.some(edge => edge.pending.size > 0)) changed = true;
		}

		return {
			kept: new Map([...this.#slices].map(([name, slice]) => [name, slice.kept])),
			dangling: this.#ups.filter(edge => edge.dangling.size > 0).map(edge => ({entry: edge.reference.entry, values: edge.dangling.size})),
		};
	}

	/** The set of values kept documents of `slice` hold at `path` (`_id`: its kept set). */
	#tracked(slice: Slice, path: string): KeptSet {
		if (path === '_id') return slice.kept;
		let entry = slice.tracked.get(path);
		if (!entry) {
			entry = {steps: stepsOf(path), set: this.#options.sets.create()};
			slice.tracked.set(path, entry);
		}

		return entry.set;
	}

	/** Keeps these documents of `slice` (decoded, with the fields references name): adds their `_id`s, and for those new, the values they hold. */
	async #keep(slice: Slice, documents: Document[]): Promise<void> {
		if (documents.length === 0) return;
		const fresh = new Set(await slice.kept.add(documents.map(document => valueKey(document._id))));
		const kept = documents.filter(document => fresh.delete(valueKey(document._id)));
		if (this.#options.keepDocuments && kept.length > 0)
			await this.#options.keepDocuments(
				slice.name,
				kept.map(document => rawOf.get(document)!),
			);
		for (const [path, {steps, set}] of slice.tracked) {
			const added = await set.add(kept.flatMap(document => referenceValues(document, steps).map(valueKey)));
			for (const edge of this.#upsFrom.get(slice.name) ?? []) {
				if (edge.reference.from.steps.join('.') === path) await this.#queueLookups(edge, added);
			}
		}
	}

	/** Queues the values a reference's kept documents hold that its referred collection does not hold yet. */
	async #queueLookups(edge: UpEdge, values: string[]): Promise<void> {
		if (values.length === 0) return;
		const known = edge.to ? await this.#tracked(edge.to, edge.reference.to.field).has(values) : values.map(() => false);
		for (const [index, value] of values.entries()) if (!known[index]) edge.pending.add(value);
	}

	/** The top-level fields a slice's documents are read with: `_id` and the first step of every path its rules and sets name. */
	#projection(slice: Slice): Document {
		const fields = new Set(['_id']);
		for (const {steps} of slice.tracked.values()) fields.add(steps[0]!);
		for (const {steps} of slice.down) fields.add(steps[0]!);
		return Object.fromEntries([...fields].map(field => [field, 1]));
	}

	/** Resolves every queued lookup; true when any document was kept. */
	async #lookUp(): Promise<boolean> {
		let keptAny = false;
		for (const edge of this.#ups) {
			while (edge.pending.size > 0) {
				const values = [...edge.pending].slice(0, keyBatch);
				for (const value of values) edge.pending.delete(value);
				if (await this.#lookUpBatch(edge, values)) keptAny = true;
			}
		}

		return keptAny;
	}

	/** Reads the documents of the referred collection holding these values: kept when it is sliced; the values none holds are dangling. */
	async #lookUpBatch(edge: UpEdge, values: string[]): Promise<boolean> {
		const field = edge.reference.to.field;
		const steps = stepsOf(field);
		const found = new Set<string>();
		const {to} = edge;
		const before = to?.kept.size ?? 0;
		await this.#read(
			edge.reference.to.collection,
			{[field]: {$in: values.map(keyValue)}},
			to ? this.#projection(to) : {[steps[0]!]: 1},
			async batch => {
				for (const document of batch) for (const value of referenceValues(document, steps)) found.add(valueKey(value));
				if (to) await this.#keep(to, batch);
			},
			to !== undefined,
		);
		await edge.dangling.add(values.filter(value => !found.has(value)));
		return (to?.kept.size ?? 0) > before;
	}

	/** Scans a sliced collection whose rules may keep more than last time; true when it kept any. */
	async #scan(slice: Slice): Promise<boolean> {
		const versions = slice.down.map(rule => rule.set.version);
		const due =
			slice.scannedAt === undefined
				? slice.down.length > 0 || slice.percents.length > 0
				: versions.some((version, index) => version !== slice.scannedAt![index]);
		if (!due) return false;
		slice.scannedAt = versions;
		const before = slice.kept.size;
		await this.#read(
			slice.name,
			{},
			this.#projection(slice),
			async batch => {
				const already = await slice.kept.has(batch.map(document => valueKey(document._id)));
				const candidates = batch.filter((_, index) => !already[index]);
				await this.#keep(slice, await this.#chosen(slice, candidates));
			},
			true,
		);
		return slice.kept.size > before;
	}

	/** Of documents not kept yet, those a rule keeps: in a percentage's sample, or referencing a document a parent kept. */
	async #chosen(slice: Slice, candidates: Document[]): Promise<Document[]> {
		const {seed} = this.#options.spec;
		const chosen = new Set<Document>();
		for (const document of candidates)
			if (slice.percents.some(percent => inSample(seed, valueKey(document._id), percent))) chosen.add(document);
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

		return candidates.filter(document => chosen.has(document));
	}

	/** Reads `collection` in batches of {@link keyBatch} decoded documents, checking for an abort between them. */
	async #read(
		collection: string,
		filter: Document,
		projection: Document,
		each: (batch: Document[]) => Promise<void>,
		sliced = false,
	): Promise<void> {
		const {db, signal, what} = this.#options;
		const whole = sliced && this.#options.keepDocuments !== undefined;
		const collectGarbage = this.#collectGarbage;
		// Kept documents are written as read: their collection is read whole and raw, each decoded for its references.
		const cursor = db.collection(collection).find(filter, whole ? {raw: true, batchSize: keyBatch} : {projection, batchSize: keyBatch});
		try {
			while (await cursor.hasNext()) {
				throwIfAborted(signal, what);
				const read = cursor.readBufferedDocuments() as unknown as Array<Document | Buffer>;
				if (whole) collectGarbage(byteLength(read as Buffer[]));
				await each(whole ? read.map(raw => decoded(raw as Buffer)) : (read as Document[]));
			}
		} finally {
			await cursor.close().catch(() => {});
		}
	}
}

/** A raw document decoded (types kept as the driver promotes them), remembering its bytes. */
function decoded(raw: Buffer): Document {
	const document = BSON.deserialize(raw);
	rawOf.set(document, raw);
	return document;
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
