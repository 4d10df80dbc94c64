import {createHash} from 'node:crypto';
import type {Db, Document} from 'mongodb';
import {byteLength, collectGarbageEvery} from '../collect-garbage.js';
import {dumpConcurrency} from '../collections.js';
import {throwIfAborted} from '../errors.js';
import {runSettled} from '../pool.js';
import {type KeptSet, type KeptSets, keyBatch} from './kept-set.js';
import {isSliced, type SubsetPlan} from './plan.js';
import {RawKeyReader} from './raw-keys.js';
import type {Reference} from './references.js';
import type {SubsetSpec} from './spec.js';
import {keyValue} from './value-key.js';

/** A sliced collection during the closure: its kept `_id`s and the values its kept documents hold at the fields and paths references name. */
type Slice = {
	name: string;
	kept: KeptSet;
	/** Values of kept documents by path (`_id` is `kept` itself). */
	tracked: Map<string, {steps: string[]; set: KeptSet}>;
	/** Down rules: a document is kept when a value at `steps` is in `set` (a field `parent` tracks). */
	down: Array<{steps: string[]; set: KeptSet; parent: Slice}>;
	/** Percentages of this collection that are roots. */
	percents: number[];
	/** The versions of the down rules' sets at the last scan; undefined before the first. */
	scannedAt: number[] | undefined;
	/** The paths its documents are read at (`_id` first, then its tracked paths and rules' paths), by dotted path. */
	slots: Map<string, number>;
	reader: RawKeyReader | undefined;
};

/** Documents read, raw, with the keys of the values at their slice's paths (by slot). */
type Read = {raw: Buffer[]; keys: string[][][]};

/** A reference followed up from a sliced collection: values its kept documents hold that the referred collection has not kept yet are looked up there. */
type UpEdge = {
	reference: Reference;
	/** The referred collection's slice, or undefined when it is copied whole (then every value is looked up, to find the dangling ones). */
	to: Slice | undefined;
	/** Reads the referred field of a collection copied whole. */
	reader: RawKeyReader | undefined;
	pending: Set<string>;
	/** Values found in no document of the referred collection: dangling in the source. */
	dangling: KeptSet;
};

/** What the closure found: each sliced collection's kept `_id`s, and per reference the values that point at nothing in the source. */
export type Closure = {
	kept: Map<string, KeptSet>;
	dangling: Array<{entry: string; values: number}>;
};

/**
 * Documents a closure's cursor reads at a time, one batch read ahead. Larger
 * batches cost memory more than they save time: measured on the subset bench
 * (200k documents, FerretDB), peak RSS 149-158 MB with 1000, 173 MB with
 * 2000, 201-208 MB with 5000 (a 40,000-document scan alone was some 10%
 * faster with 10,000).
 */
const readBatch = 1000;

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
 *
 * Documents are read raw and never decoded: `_id` and the paths references
 * name are read from their bytes (raw-keys.ts). The scans due in a round run
 * at once (up to {@link dumpConcurrency} cursors), in waves: a collection waits for
 * its parents due in the same round, whose scans may keep what its rules
 * look for; parents due in a cycle are scanned together, and the next round
 * scans again what kept more meanwhile.
 */
export async function computeClosure(options: ClosureOptions): Promise<Closure> {
	return new ClosureRun(options).run();
}

class ClosureRun {
	readonly #options: ClosureOptions;
	readonly #slices = new Map<string, Slice>();
	readonly #ups: UpEdge[] = [];
	readonly #upsFrom = new Map<string, UpEdge[]>();
	/**
	 * A full collection per MiB read keeps the peak RSS near the live heap,
	 * as in the copy's own reads, and with several cursors at once: measured
	 * on the subset bench (copy_db, 200k documents, 3 scans at once), peak
	 * RSS 155-162 MB with one per 4 MiB (as the copy), 153 MB per 2 MiB,
	 * 144 MB per MiB (the scans one at a time, per 4 MiB, 143 MB), for some
	 * 0.9 s more CPU, still 1.2 s less than decoding every document cost.
	 */
	readonly #collectGarbage = collectGarbageEvery(1024 * 1024);

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
				slots: new Map([['_id', 0]]),
				reader: undefined,
			});
		}

		const parentsOf = new Map(plan.collections.map(collection => [collection.name, collection.parents]));
		for (const reference of plan.references) {
			const from = this.#slices.get(reference.from.collection);
			if (!from) continue;
			const to = this.#slices.get(reference.to.collection);
			if (to && parentsOf.get(from.name)?.has(to.name))
				from.down.push({steps: reference.from.steps, set: this.#tracked(to, reference.to.field), parent: to});
			if (to) this.#tracked(to, reference.to.field);
			this.#tracked(from, reference.from.steps.join('.'));
			const edge: UpEdge = {
				reference,
				to,
				reader: to ? undefined : new RawKeyReader([stepsOf(reference.to.field)]),
				pending: new Set(),
				dangling: sets.create(),
			};
			this.#ups.push(edge);
			this.#upsFrom.set(from.name, [...(this.#upsFrom.get(from.name) ?? []), edge]);
		}

		for (const slice of this.#slices.values()) {
			for (const path of [...slice.tracked.keys(), ...slice.down.map(rule => rule.steps.join('.'))])
				if (!slice.slots.has(path)) slice.slots.set(path, slice.slots.size);
			slice.reader = new RawKeyReader([...slice.slots.keys()].map(stepsOf));
		}

		for (const root of spec.roots) if ('percent' in root) this.#slices.get(root.collection)!.percents.push(root.percent);
	}

	async run(): Promise<Closure> {
		const {spec, signal, what} = this.#options;
		// The filter roots: the server reads them.
		for (const root of spec.roots) {
			if (!('filter' in root)) continue;
			const slice = this.#slices.get(root.collection)!;
			await this.#read(slice.name, root.filter, this.#projection(slice), slice, async read => this.#keep(slice, read));
		}

		for (let changed = true; changed; ) {
			throwIfAborted(signal, what);
			changed = await this.#lookUp();
			if (await this.#scanDue()) changed = true;
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

	/** Keeps these documents of `slice`: adds their `_id`s, and for those new, the values they hold. */
	async #keep(slice: Slice, read: Read): Promise<void> {
		if (read.raw.length === 0) return;
		const fresh = new Set(await slice.kept.add(read.keys.map(idKeyOf)));
		const kept = read.keys.flatMap((keys, index) => (fresh.delete(idKeyOf(keys)) ? [index] : []));
		if (this.#options.keepDocuments && kept.length > 0)
			await this.#options.keepDocuments(
				slice.name,
				kept.map(index => read.raw[index]!),
			);
		for (const [path, {set}] of slice.tracked) {
			const slot = slice.slots.get(path)!;
			const added = await set.add(kept.flatMap(index => read.keys[index]![slot]!));
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
		const found = new Set<string>();
		const {to} = edge;
		const slot = to ? to.slots.get(field)! : 0;
		const before = to?.kept.size ?? 0;
		await this.#read(
			edge.reference.to.collection,
			{[field]: {$in: values.map(keyValue)}},
			to ? this.#projection(to) : {[stepsOf(field)[0]!]: 1},
			to ?? edge.reader!,
			async read => {
				for (const keys of read.keys) for (const key of keys[slot]!) found.add(key);
				if (to) await this.#keep(to, read);
			},
		);
		await edge.dangling.add(values.filter(value => !found.has(value)));
		return (to?.kept.size ?? 0) > before;
	}

	/** Whether a slice's scan may keep more than its last one: never scanned (and something to scan for), or its parents kept more since. */
	#due(slice: Slice): boolean {
		if (slice.scannedAt === undefined) return slice.down.length > 0 || slice.percents.length > 0;
		return slice.down.some((rule, index) => rule.set.version !== slice.scannedAt![index]);
	}

	/** Scans, once each this round, the slices due, in waves of those whose parents are not due; true when any kept more. */
	async #scanDue(): Promise<boolean> {
		let keptAny = false;
		const scanned = new Set<Slice>();
		for (;;) {
			const due = [...this.#slices.values()].filter(slice => !scanned.has(slice) && this.#due(slice));
			if (due.length === 0) return keptAny;
			const ready = due.filter(slice => !slice.down.some(rule => rule.parent !== slice && due.includes(rule.parent)));
			// Every slice due waits for another: a cycle, scanned together.
			const wave = ready.length > 0 ? ready : due;
			for (const slice of wave) scanned.add(slice);
			await runSettled(wave, dumpConcurrency, async slice => {
				if (await this.#scan(slice)) keptAny = true;
			});
		}
	}

	/** Scans a sliced collection; true when it kept any. */
	async #scan(slice: Slice): Promise<boolean> {
		slice.scannedAt = slice.down.map(rule => rule.set.version);
		const before = slice.kept.size;
		await this.#read(slice.name, {}, this.#projection(slice), slice, async read => {
			const already = await slice.kept.has(read.keys.map(idKeyOf));
			const candidates = read.keys.flatMap((_, index) => (already[index] ? [] : [index]));
			const chosen = await this.#chosen(slice, read, candidates);
			await this.#keep(slice, {raw: chosen.map(index => read.raw[index]!), keys: chosen.map(index => read.keys[index]!)});
		});
		return slice.kept.size > before;
	}

	/** Of documents not kept yet (their indexes in `read`), those a rule keeps: in a percentage's sample, or referencing a document a parent kept. */
	async #chosen(slice: Slice, read: Read, candidates: number[]): Promise<number[]> {
		const {seed} = this.#options.spec;
		const chosen = new Set<number>();
		for (const index of candidates)
			if (slice.percents.some(percent => inSample(seed, idKeyOf(read.keys[index]!), percent))) chosen.add(index);
		for (const rule of slice.down) {
			const slot = slice.slots.get(rule.steps.join('.'))!;
			const open = candidates.filter(index => !chosen.has(index));
			const values = open.map(index => read.keys[index]![slot]!);
			const answers = await rule.set.has(values.flat());
			let at = 0;
			for (const [position, index] of open.entries()) {
				const held = values[position]!;
				if (answers.slice(at, at + held.length).some(Boolean)) chosen.add(index);
				at += held.length;
			}
		}

		return candidates.filter(index => chosen.has(index));
	}

	/**
	 * Reads `collection` raw in batches of {@link readBatch} documents, each
	 * with its keys as `reader` reads them, checking for an abort between
	 * batches; the next batch is asked for while one is worked on.
	 */
	async #read(
		collection: string,
		filter: Document,
		projection: Document,
		reader: Slice | RawKeyReader,
		each: (read: Read) => Promise<void>,
	): Promise<void> {
		const {db, signal, what} = this.#options;
		const sliced = !(reader instanceof RawKeyReader);
		const keys = sliced ? reader.reader! : reader;
		// Kept documents are written as read: a sliced collection is then read whole.
		const whole = sliced && this.#options.keepDocuments !== undefined;
		const collectGarbage = this.#collectGarbage;
		const cursor = db
			.collection(collection)
			.find(filter, whole ? {raw: true, batchSize: readBatch} : {projection, raw: true, batchSize: readBatch});
		let next = cursor.hasNext();
		// Left unawaited while a batch is worked on: a failure must not count as unhandled meanwhile.
		next.catch(() => {});
		try {
			while (await next) {
				throwIfAborted(signal, what);
				const raw = cursor.readBufferedDocuments() as unknown as Buffer[];
				next = cursor.hasNext();
				next.catch(() => {});
				collectGarbage(byteLength(raw));
				await each({raw, keys: raw.map(document => keys.read(document))});
			}
		} finally {
			// The read ahead settles before the cursor closes.
			await next.catch(() => {});
			await cursor.close().catch(() => {});
		}
	}
}

/** The key of a document's `_id`, as its reader read it (slot 0). */
function idKeyOf(keys: string[][]): string {
	return keys[0]![0]!;
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
