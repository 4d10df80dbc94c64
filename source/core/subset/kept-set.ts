import type {Db, MongoServerError} from 'mongodb';

/** Keys asked about or added at once: one query of a spilled set. */
export const keyBatch = 1000;

/**
 * Where sets spill once the keys held in memory pass the budget: a scratch
 * database (see spill-space.ts), made on first use.
 */
export type SpillPlace = {database(): Promise<Db>};

/**
 * The sets of one subset run (kept `_id`s, the values kept documents hold):
 * in memory until they hold more than `memoryKeys` keys in all; then the
 * largest moves to a collection of the spill database, whose `_id` index
 * answers membership, and the heap stops growing with it.
 */
export class KeptSets {
	readonly #memoryKeys: number;
	readonly #place: SpillPlace;
	readonly #sets: KeptSet[] = [];
	#inMemory = 0;
	#spilled = 0;
	/** The spills under way, one after the other. */
	#spilling: Promise<void> = Promise.resolve();

	constructor(options: {memoryKeys: number; place: SpillPlace}) {
		this.#memoryKeys = options.memoryKeys;
		this.#place = options.place;
	}

	/** A new, empty set. */
	create(): KeptSet {
		const set = new KeptSet(this);
		this.#sets.push(set);
		return set;
	}

	/** How many sets moved to the spill database. */
	get spilled(): number {
		return this.#spilled;
	}

	/** Called by a set that grew by `added` keys in memory: spills the largest sets until the budget holds (one spill at a time: the closure scans several collections at once). */
	async grew(added: number): Promise<void> {
		this.#inMemory += added;
		const previous = this.#spilling;
		const spilling = previous.then(async () => this.#spillOverBudget());
		this.#spilling = spilling.catch(() => {});
		await spilling;
	}

	async #spillOverBudget(): Promise<void> {
		while (this.#inMemory > this.#memoryKeys) {
			const largest = this.#sets.filter(set => set.inMemory).sort((a, b) => b.size - a.size)[0];
			if (!largest) return;
			this.#spilled += 1;
			const db = await this.#place.database();
			const moved = await largest.spillTo(db.collection(`set_${this.#sets.indexOf(largest)}`));
			this.#inMemory -= moved;
		}
	}
}

/**
 * A set of value keys (see value-key.ts), in memory or spilled; `version`
 * grows whenever a key is added. Asking, adding and spilling take turns (the
 * closure scans several collections at once): a key added while the set
 * spills is never lost.
 */
export class KeptSet {
	readonly #owner: KeptSets;
	#memory: Set<string> | undefined = new Set();
	#collection: import('mongodb').Collection<{_id: string}> | undefined;
	#size = 0;
	/** The operation under way; the next waits for it. */
	#turn: Promise<unknown> = Promise.resolve();
	version = 0;

	constructor(owner: KeptSets) {
		this.#owner = owner;
	}

	get size(): number {
		return this.#size;
	}

	get inMemory(): boolean {
		return this.#memory !== undefined;
	}

	/** Runs `operation` once the one before it settled (in memory and idle: at once). */
	async #inTurn<T>(operation: () => Promise<T>): Promise<T> {
		const previous = this.#turn;
		const result = previous.then(operation);
		this.#turn = result.catch(() => {});
		return result;
	}

	/** Whether each key is in the set (one query per {@link keyBatch} keys once spilled). */
	async has(keys: readonly string[]): Promise<boolean[]> {
		return this.#inTurn(async () => this.#has(keys));
	}

	async #has(keys: readonly string[]): Promise<boolean[]> {
		if (this.#memory) {
			const memory = this.#memory;
			return keys.map(key => memory.has(key));
		}

		const found = new Set<string>();
		for (let start = 0; start < keys.length; start += keyBatch) {
			const batch = [...new Set(keys.slice(start, start + keyBatch))];
			for await (const entry of this.#collection!.find({_id: {$in: batch}}, {projection: {_id: 1}, batchSize: keyBatch}))
				found.add(entry._id);
		}

		return keys.map(key => found.has(key));
	}

	/** Adds keys; resolves with those that were not in the set before (each once). */
	async add(keys: readonly string[]): Promise<string[]> {
		if (keys.length === 0) return [];
		const {fresh, inMemory} = await this.#inTurn(async () => {
			const known = await this.#has(keys);
			const fresh = [...new Set(keys.filter((_, index) => !known[index]))];
			if (fresh.length === 0) return {fresh, inMemory: false};
			this.#size += fresh.length;
			this.version += 1;
			if (!this.#memory) {
				await insertKeys(this.#collection!, fresh);
				return {fresh, inMemory: false};
			}

			for (const key of fresh) this.#memory.add(key);
			return {fresh, inMemory: true};
		});
		// Outside its turn: the budget may spill this very set.
		if (inMemory) await this.#owner.grew(fresh.length);
		return fresh;
	}

	/** Every key, in batches of {@link keyBatch} (read from the spill collection once spilled). */
	async *batches(): AsyncGenerator<string[]> {
		if (this.#memory) {
			const keys = [...this.#memory];
			for (let start = 0; start < keys.length; start += keyBatch) yield keys.slice(start, start + keyBatch);
			return;
		}

		let batch: string[] = [];
		for await (const entry of this.#collection!.find({}, {projection: {_id: 1}, batchSize: keyBatch})) {
			batch.push(entry._id);
			if (batch.length === keyBatch) {
				yield batch;
				batch = [];
			}
		}

		if (batch.length > 0) yield batch;
	}

	/** Moves the keys to `collection` and lets the memory go; resolves with how many keys left the memory. */
	async spillTo(collection: import('mongodb').Collection<{_id: string}>): Promise<number> {
		return this.#inTurn(async () => {
			const keys = [...this.#memory!];
			for (let start = 0; start < keys.length; start += keyBatch) await insertKeys(collection, keys.slice(start, start + keyBatch));
			this.#collection = collection;
			this.#memory = undefined;
			return keys.length;
		});
	}
}

async function insertKeys(collection: import('mongodb').Collection<{_id: string}>, keys: readonly string[]): Promise<void> {
	for (let start = 0; start < keys.length; start += keyBatch) {
		try {
			await collection.insertMany(
				keys.slice(start, start + keyBatch).map(key => ({_id: key})),
				{ordered: false},
			);
		} catch (error) {
			// Keys another batch of the same round added are duplicates: the set holds them already.
			const code = (error as MongoServerError).code;
			const writeErrors = (error as {writeErrors?: Array<{code?: number}>}).writeErrors;
			if (code !== 11000 && !writeErrors?.every(entry => entry.code === 11000)) throw error;
		}
	}
}
