import {BSON} from '../bson.js';
import {byteLength} from '../collect-garbage.js';
import type {SpillPlace} from './kept-set.js';

/** Decoding that keeps every value's BSON type, so a document goes back to a server as it came. */
const fidelity = {promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true} as const;

/** Bytes of kept documents a copy holds in memory before they all go to the spill database (`MONARCH_SUBSET_MEMORY_BYTES` sets it). */
export function memoryBytes(): number {
	const set = Number(process.env.MONARCH_SUBSET_MEMORY_BYTES);
	return Number.isInteger(set) && set >= 0 ? set : 16 * 1024 * 1024;
}

/** How many documents `read` yields at a time from memory, as a cursor's batch would. */
const readBatch = 1000;

/**
 * The kept documents of a copy's subset, as the closure keeps them, for the
 * copy to read each slice without scanning the source again (FerretDB v1
 * scans a whole table for any query, even `{_id: value}`: reading the source
 * a second time made a 10% subset cost 0.9 of the whole copy).
 *
 * They stay in memory (copies of the raw bytes: a cursor's documents share
 * its reply's buffer) while they hold at most `budget` bytes. Past that, all
 * of them go to the spill database (the target's server, see
 * spill-place.ts), one collection there per sliced collection, and so do the
 * ones kept after; the copy then reads them from there. A small slice thus
 * never writes and reads its documents a second time.
 */
export function keptDocuments(
	place: SpillPlace,
	budget = memoryBytes(),
): {
	/** Keeps documents; resolves once the spill write before it is done (one in flight while the closure reads on), rejects with its failure. */
	write(collection: string, documents: Buffer[]): Promise<void>;
	/** Waits for the last spill write. */
	flush(): Promise<void>;
	read(collection: string): AsyncGenerator<Buffer[]>;
} {
	let pending: Promise<void> = Promise.resolve();
	const names = new Map<string, string>();
	const nameOf = (collection: string) => {
		let name = names.get(collection);
		if (!name) {
			name = `documents_${names.size}`;
			names.set(collection, name);
		}

		return name;
	};

	const held = new Map<string, Buffer[]>();
	let heldBytes = 0;
	let spilling = false;

	/** Queues one insert into the spill database behind the one in flight; resolves once the one before it is done. */
	const spill = async (collection: string, documents: Buffer[]): Promise<void> => {
		const previous = pending;
		const name = nameOf(collection);
		pending = (async () => {
			await previous;
			const db = await place.database();
			await db.collection(name).insertMany(
				documents.map(raw => BSON.deserialize(raw, fidelity)),
				{ordered: false},
			);
		})();
		// Awaited by the next write or flush; until then a failure must not count as unhandled.
		pending.catch(() => {});
		await previous;
	};

	return {
		async write(collection, documents) {
			if (documents.length === 0) return;
			if (!spilling) {
				const bytes = byteLength(documents);
				if (heldBytes + bytes <= budget) {
					const list = held.get(collection) ?? [];
					for (const raw of documents) list.push(Buffer.from(raw));
					held.set(collection, list);
					heldBytes += bytes;
					return;
				}

				spilling = true;
				for (const [name, list] of held) {
					for (let start = 0; start < list.length; start += readBatch) await spill(name, list.slice(start, start + readBatch));
				}

				held.clear();
				heldBytes = 0;
			}

			await spill(collection, documents);
		},
		async flush() {
			await pending;
		},
		async *read(collection) {
			if (!spilling) {
				const list = held.get(collection) ?? [];
				for (let start = 0; start < list.length; start += readBatch) yield list.slice(start, start + readBatch);
				return;
			}

			if (!names.has(collection)) return;
			const db = await place.database();
			const cursor = db.collection(nameOf(collection)).find({}, {raw: true, batchSize: 1000});
			try {
				while (await cursor.hasNext()) yield cursor.readBufferedDocuments() as unknown as Buffer[];
			} finally {
				await cursor.close().catch(() => {});
			}
		},
	};
}
