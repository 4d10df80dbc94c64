import type {Document} from '../bson.js';

/**
 * Facts about the mongodump archive format (what `mongodump --archive` writes
 * and `mongorestore --archive` reads), as mongo-tools' common/archive defines it:
 *
 *   archive  = magic, header doc, *collection-metadata doc, terminator,
 *              *(namespace header doc, *document, terminator
 *                | EOF header doc, terminator)
 *
 * Every number is little-endian. `--gzip` gzips the whole stream.
 */

/** The first four bytes of every archive, read as a little-endian uint32. */
export const archiveMagic = 0x81_99_e2_6d;

/** The four 0xFF bytes (int32 -1) that end the prelude and every block. */
export const terminatorValue = -1;

/** The largest document mongo-tools' parser accepts (16 MiB). */
export const maxBsonSize = 16 * 1024 * 1024;

/** The smallest valid BSON document: an int32 length and the trailing NUL. */
export const minBsonSize = 5;

/** The only archive format version there is. */
export const archiveFormatVersion = '0.1';

/** mongodump's default for --numParallelCollections, written as concurrent_collections. */
export const defaultConcurrentCollections = 4;

/** The prefix of the collection that holds a time-series collection's buckets. */
export const bucketsPrefix = 'system.buckets.';

/** The archive header, the first document after the magic number. */
export type ArchiveHeader = {
	/** How many collections the dumper wrote in parallel; mongorestore restores max(this, --numParallelCollections) at once. */
	concurrentCollections: number;
	/** The archive format version, always '0.1'. */
	formatVersion: string;
	/** The MongoDB version the data came from (buildInfo.version); mongorestore warns when major.minor differs from the target. */
	serverVersion: string;
	/** The version of the tool that wrote the archive. */
	toolVersion: string;
};

/**
 * A collection's type as listCollections reports it, which mongodump copies into
 * the prelude. mongodump writes '' for its special entries (oplog, users, roles).
 */
export type ArchiveCollectionType = 'collection' | 'view' | 'timeseries' | '';

/**
 * What mongodump stores as a collection's `metadata.json`: the collection
 * options, the index specs and the UUID. In the archive it is a string of
 * canonical Extended JSON v2.
 */
export type CollectionMetadata = {
	/** listCollections' `options` (capped, validator, collation, viewOn and pipeline for views, timeseries...). Left out when empty. */
	options?: Document;
	/** listIndexes' documents as they came ({v, key, name, ...}); mongorestore drops `v` and sets `ns` itself. [] for views. */
	indexes: Document[];
	/** The collection UUID as 32 lower-case hex digits (listCollections' info.uuid), used by mongorestore --preserveUUID. */
	uuid?: string;
	/** The collection name, as mongodump writes it for long names that files truncate. */
	collectionName: string;
	/** 'collection', 'view' or 'timeseries'; left out when empty. */
	type?: string;
};

/** One entry of the archive prelude: a namespace the archive holds. */
export type ArchiveCollection = {
	/** The database name ('' for mongodump's top-level oplog entry). */
	db: string;
	/** The collection name; for a time-series collection its own name, not system.buckets.<name>. */
	collection: string;
	/** The collection metadata; absent for entries that have none (mongodump's oplog, users and roles). */
	metadata?: CollectionMetadata;
	/** The collection type; a view has metadata but no documents, a time-series collection's documents are its buckets. */
	type: ArchiveCollectionType;
	/** The prelude's `size` field; mongodump always writes 0 there and nothing reads it. */
	size?: number;
};

/** What a namespace's documents added up to, for a backup manifest or a restore report. */
export type ArchiveNamespaceStats = {
	db: string;
	collection: string;
	/** How many documents. */
	count: number;
	/** Their total size in bytes of BSON. */
	bytes: number;
	/** The CRC-64 (Go's ECMA table) of all those bytes in archive order, as 16 lower-case hex digits. */
	crc: string;
};

/** The collection a namespace's documents live in: system.buckets.<name> for a time-series collection. */
export function dataCollectionName(collection: string, type: string): string {
	return type === 'timeseries' ? bucketsPrefix + collection : collection;
}

/** The key mongo-tools uses for a namespace ('db.collection'); database names cannot hold dots. */
export function namespaceKey(db: string, collection: string): string {
	return `${db}.${collection}`;
}
