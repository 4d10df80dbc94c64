import {BSON} from '../bson.js';
import type {SpillPlace} from './kept-set.js';

/** Decoding that keeps every value's BSON type, so a document goes back to a server as it came. */
const fidelity = {promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true} as const;

/**
 * The kept documents of a copy's subset, written to the spill database (the
 * target's server, see spill-place.ts) as the closure keeps them, one
 * collection there per sliced collection: the copy then reads each slice from
 * there, the source having been scanned once. Measured on FerretDB v1, which
 * scans a whole table for any query (even `{_id: value}`): reading the
 * source a second time, to keep the slice's documents, made a 10% subset
 * cost 0.9 of the whole copy.
 */
export function keptDocuments(place: SpillPlace): {
	/** Starts writing documents; resolves once the write before it is done (one in flight while the closure reads on), rejects with its failure. */
	write(collection: string, documents: Buffer[]): Promise<void>;
	/** Waits for the last write. */
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

	return {
		async write(collection, documents) {
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
		},
		async flush() {
			await pending;
		},
		async *read(collection) {
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
