import type {Collection} from 'mongodb';
import type {KeptSet} from './kept-set.js';
import {keyValue} from './value-key.js';

/**
 * The kept documents of a collection as raw batches, read by their `_id`s
 * (the kept set's keys, {@link KeptSet.batches}) with one `{_id: {$in: ...}}`
 * per batch, instead of a scan of the whole collection: only where the
 * server's `_id` index answers it (MongoDB). FerretDB v1 (SQLite) scans the
 * whole table even for `{_id: value}` (its filter, `_ferretdb_sjson->'$._id'`,
 * is not the expression its `_id` index is on; measured: 44 to 236 ms per
 * point read of a 40,000-document collection), so there a slice is read by
 * one scan that keeps its documents.
 */
export async function* readKept(collection: Collection, kept: KeptSet): AsyncGenerator<Buffer[]> {
	for await (const keys of kept.batches()) {
		const values = keys.map(keyValue) as never[];
		const cursor = collection.find({_id: {$in: values}}, {raw: true, batchSize: values.length});
		try {
			while (await cursor.hasNext()) yield cursor.readBufferedDocuments() as unknown as Buffer[];
		} finally {
			await cursor.close().catch(() => {});
		}
	}
}
