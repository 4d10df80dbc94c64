import type {Collection, Document, FindCursor} from 'mongodb';
import {byteLength, type GarbageCollector} from '../collect-garbage.js';
import {throwIfAborted} from '../errors.js';

/** Documents per cursor batch. */
const batchSize = 1000;

export type RawCursorDrain = {
	/** The collection read, with the filter of this cursor (a range's, a QuerySet's, or `{}`). */
	collection: Collection;
	filter: Document;
	/** Names the work in the 'cancelled' error, e.g. `backup production`, `the copy`. */
	what: string;
	signal: AbortSignal | undefined;
	/** The run's garbage collector, shared by its cursors (collect-garbage.ts): fed every batch's bytes as read. */
	collectGarbage: GarbageCollector;
	/** True once the run failed elsewhere (another cursor): reading stops quietly at the next batch. */
	stopped?: (() => boolean) | undefined;
	/** Batches to read instead of a cursor over `collection` with `filter` (a subset's kept documents, read by `_id`). */
	batches?: AsyncIterable<Buffer[]> | undefined;
	/** Of a batch as read, the documents taken (a subset's slice, decided by `_id`); the others are not written. */
	keep?: ((batch: Buffer[]) => Promise<Buffer[]>) | undefined;
	/** What of a batch as read is written (a scrubber's pass); undefined writes nothing of it and reading goes on. */
	take?: ((batch: Buffer[]) => readonly Uint8Array[] | undefined) | undefined;
	/** Waited for once the previous write settled, before the next one starts (the insert pool's room). */
	room?: (() => Promise<void>) | undefined;
	/** Starts writing a batch; it runs while the next batch is read, and is awaited before the one after starts. */
	write: (batch: readonly Uint8Array[]) => Promise<void>;
};

/**
 * Reads a raw cursor (documents as BSON buffers, never decoded) batch by
 * batch into `write`, the one loop of dump and copy: an abort check before
 * each batch, a garbage collection every 4 MiB read, one write pending while
 * the next batch is read. Resolves once the last write succeeded; throws the
 * cursor's, a write's or the abort's error. Whatever happens, the write in
 * flight has settled (nothing still writes) and the cursor is closed when it
 * returns.
 */
export async function drainRawCursor(drain: RawCursorDrain): Promise<void> {
	const cursor = drain.batches ? undefined : drain.collection.find(drain.filter, {raw: true, batchSize});
	let pending: Promise<void> | undefined;
	try {
		for await (const all of drain.batches ?? cursorBatches(cursor!)) {
			throwIfAborted(drain.signal, drain.what);
			if (drain.stopped?.()) return;
			drain.collectGarbage(byteLength(all));
			const read = drain.keep ? await drain.keep(all) : all;
			if (read.length === 0) continue;
			const batch = drain.take ? drain.take(read) : read;
			if (batch === undefined) continue;
			if (pending) await pending;
			await drain.room?.();
			pending = drain.write(batch);
			// It is awaited after the next read; until then a failure must not count as unhandled (Node would exit).
			pending.catch(() => {});
		}

		// The last batch's write must succeed too: its failure is the run's failure.
		if (pending) await pending;
	} finally {
		// Left by a throw above (the cursor failed, the job was cancelled): its failure is not the one
		// to report, but it is waited for: nothing may still write once the run cleans up.
		await pending?.catch(() => {});
		await cursor?.close().catch(() => {});
	}
}

async function* cursorBatches(cursor: FindCursor): AsyncGenerator<Buffer[]> {
	while (await cursor.hasNext()) yield cursor.readBufferedDocuments() as unknown as Buffer[];
}
