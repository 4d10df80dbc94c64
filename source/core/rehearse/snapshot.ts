import {hash} from 'node:crypto';
import type {Db, FindCursor} from 'mongodb';
import pMap from 'p-map';
import {dumpConcurrency} from '../backups/dump.js';
import {BSON} from '../bson.js';
import {countForProgress, isDataCollection} from '../collections.js';
import {throwIfAborted} from '../errors.js';
import {type EventSink, ignoreEvents} from '../events.js';
import {historyCollection} from '../migrations/history.js';
import type {CollectionChange} from './report.js';

/** One collection as a rehearsal compares it: each document's hash by `_id`, and its index names. */
export type CollectionSnapshot = {
	/** Canonical `_id` key (its BSON type and value bytes) -> sha1 of the document's raw BSON. */
	documents: Map<string, string>;
	/** Index names, `_id_` left out. */
	indexes: Set<string>;
};

/** A database's data collections (not `monarch_migrations`, `monarch_locks`, staging, `system.*` or views), by name. */
export type DatabaseSnapshot = Map<string, CollectionSnapshot>;

/**
 * Reads every data collection of `db` with raw cursors and keeps, per
 * document, the hash of its bytes under its `_id` (found with
 * `BSON.onDemand.parseToElements`, the document is never decoded), plus
 * the collection's index names, `dumpConcurrency` collections at once.
 * Progress: a `<phase> <collection>` task each (`hash before dogs`): each
 * pass has its own tasks, so a second pass never reads as the first one's rate.
 */
export async function snapshotDatabase(
	db: Db,
	options: {phase: string; events?: EventSink | undefined; signal?: AbortSignal | undefined},
): Promise<DatabaseSnapshot> {
	const events = options.events ?? ignoreEvents;
	const listed = await db.listCollections({}, {nameOnly: false}).toArray();
	const names = listed
		.filter(entry => entry.type !== 'view' && isDataCollection(entry.name) && entry.name !== historyCollection)
		.map(entry => entry.name)
		.sort();
	// Read-only fan-out, as many collections at once as a dump reads; p-map keeps the order of `names`.
	const snapshots = await pMap(names, async name => snapshotCollection(db, name, `${options.phase} ${name}`, events, options.signal), {
		concurrency: dumpConcurrency,
	});
	const result: DatabaseSnapshot = new Map(names.map((name, index) => [name, snapshots[index]!]));
	return result;
}

/** One collection: every document's hash by `_id`, and its index names. */
async function snapshotCollection(
	db: Db,
	name: string,
	task: string,
	events: EventSink,
	signal: AbortSignal | undefined,
): Promise<CollectionSnapshot> {
	throwIfAborted(signal, 'the rehearsal');
	const total = await countForProgress(db, name);
	const documents = new Map<string, string>();
	let reported = -1;
	const cursor: FindCursor = db.collection(name).find({}, {raw: true, batchSize: 1000});
	try {
		while (await cursor.hasNext()) {
			throwIfAborted(signal, 'the rehearsal');
			for (const bytes of cursor.readBufferedDocuments() as unknown as Uint8Array[])
				documents.set(idKey(bytes), hash('sha1', bytes, 'base64'));
			events({type: 'progress', task, done: documents.size, total: Math.max(total, documents.size)});
			reported = documents.size;
		}
	} finally {
		await cursor.close().catch(() => {});
	}

	// The last line says the collection is done, even when the count was an estimate.
	if (reported !== documents.size || total !== documents.size)
		events({type: 'progress', task, done: documents.size, total: documents.size});
	const indexes = new Set(
		(await db.collection(name).listIndexes().toArray()).map(index => String(index.name)).filter(index => index !== '_id_'),
	);
	return {documents, indexes};
}

/** The `_id` element of a raw document as a key: its BSON type byte and value bytes, so `1` (int32) and `"1"` differ. */
function idKey(bytes: Uint8Array): string {
	for (const [type, nameOffset, nameLength, offset, length] of BSON.onDemand.parseToElements(bytes)) {
		if (nameLength === 3 && bytes[nameOffset] === 0x5f && bytes[nameOffset + 1] === 0x69 && bytes[nameOffset + 2] === 0x64) {
			return `${type}:${Buffer.from(bytes.buffer, bytes.byteOffset + offset, length).toString('base64')}`;
		}
	}

	// A document without `_id` (the server adds one on insert, so none should exist): keyed by its own bytes.
	return `none:${hash('sha1', bytes, 'base64')}`;
}

/** Per collection present before or after: documents, inserted / deleted / changed by `_id` and hash, indexes added and dropped. By name. */
export function diffSnapshots(before: DatabaseSnapshot, after: DatabaseSnapshot): CollectionChange[] {
	const names = [...new Set([...before.keys(), ...after.keys()])].sort();
	const empty: CollectionSnapshot = {documents: new Map(), indexes: new Set()};
	return names.map(name => {
		const old = before.get(name) ?? empty;
		const now = after.get(name) ?? empty;
		let deleted = 0;
		let changed = 0;
		for (const [id, digest] of old.documents) {
			const current = now.documents.get(id);
			if (current === undefined) deleted += 1;
			else if (current !== digest) changed += 1;
		}

		let inserted = 0;
		for (const id of now.documents.keys()) if (!old.documents.has(id)) inserted += 1;
		return {
			name,
			before: old.documents.size,
			after: now.documents.size,
			inserted,
			deleted,
			changed,
			indexesAdded: [...now.indexes].filter(index => !old.indexes.has(index)).sort(),
			indexesDropped: [...old.indexes].filter(index => !now.indexes.has(index)).sort(),
		};
	});
}
