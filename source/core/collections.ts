import type {Db, Document} from 'mongodb';
import type {ArchiveCollectionType} from './archive/index.js';
import {lockCollection} from './lease-lock.js';

/** monarch's migration history in each environment's database (its documents: see migrations/history.ts). */
export const historyCollection = 'monarch_migrations';

/** How many cursors read at once: collections, or `_id` ranges of a large one (mongodump's -j default). */
export const dumpConcurrency = 4;

/** Prefix of the collections a restore or copy loads before swapping them in. */
export const stagingPrefix = 'monarch_staging_';

/** What monarch knows of a collection before it copies it: type, options and index specs, as the server gave them. */
export type CollectionInfo = {
	name: string;
	type: 'collection' | 'view' | 'timeseries';
	/** listCollections' `options`, values kept in their BSON types. */
	options: Document;
	/** listIndexes' documents as they came. Empty for views. */
	indexes: Document[];
	/** The collection UUID as 32 hex digits, when the server reports one. */
	uuid?: string;
};

/**
 * Whether a collection is part of a database's data for backups and copies.
 * Skipped as mongodump skips them: `system.*` and names holding `$`; and
 * monarch's own `monarch_locks` and staging collections. `monarch_migrations`
 * is kept, so a restore brings its migration history along.
 */
export function isDataCollection(name: string): boolean {
	if (name.startsWith('system.') || name.includes('$')) return false;
	if (name === lockCollection || name.startsWith(stagingPrefix)) return false;
	return true;
}

const readOptions = {promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true} as const;

/**
 * The data collections of a database (or only `names`, in that order, leaving
 * out those that do not exist), with their options and indexes. Values keep
 * their BSON types so they go back to a server as they came.
 */
export async function describeCollections(db: Db, names?: readonly string[]): Promise<CollectionInfo[]> {
	const listed = await db.listCollections({}, readOptions).toArray();
	const byName = new Map<string, Document>();
	for (const entry of listed as Document[]) {
		if (typeof entry.name === 'string' && isDataCollection(entry.name)) byName.set(entry.name, entry);
	}

	const wanted = names ?? [...byName.keys()].sort();
	const infos: CollectionInfo[] = [];
	for (const name of wanted) {
		const entry = byName.get(name);
		if (!entry) continue;
		const type = collectionType(entry.type);
		const indexes = type === 'view' ? [] : ((await db.collection(name).listIndexes(readOptions).toArray()) as Document[]);
		const info: CollectionInfo = {name, type, options: (entry.options as Document | undefined) ?? {}, indexes};
		const uuid = (entry.info as Document | undefined)?.uuid as {toString(encoding: 'hex'): string} | undefined;
		if (uuid && typeof uuid.toString === 'function') info.uuid = uuid.toString('hex');
		infos.push(info);
	}

	return infos;
}

function collectionType(type: unknown): CollectionInfo['type'] {
	return type === 'view' || type === 'timeseries' ? type : 'collection';
}

/** An archive prelude type as a CollectionInfo type; '' (mongodump's special entries) reads as a collection. */
export function infoType(type: ArchiveCollectionType): CollectionInfo['type'] {
	return collectionType(type);
}

/**
 * How many documents a collection holds (or match `filter`), for progress
 * totals. Without a filter it asks `$collStats` (FerretDB answers it from
 * metadata, where its `count` scans the whole collection), falling back to
 * estimatedDocumentCount.
 */
export async function countForProgress(db: Db, name: string, filter?: Document): Promise<number> {
	const collection = db.collection(name);
	if (filter && Object.keys(filter).length > 0) return collection.countDocuments(filter);
	try {
		const [stats] = await collection.aggregate<{count?: unknown}>([{$collStats: {count: {}}}]).toArray();
		if (typeof stats?.count === 'number') return stats.count;
	} catch {
		// Servers without $collStats: ask for the estimate below.
	}

	return collection.estimatedDocumentCount();
}
