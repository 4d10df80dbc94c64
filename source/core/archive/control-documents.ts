import {type Document, deserialize, Int32, Long, serialize} from '../bson.js';

/**
 * The archive's own small BSON documents (header, prelude entries, namespace
 * headers), serialized with bson with the field order and the explicit
 * Int32/Long types that mongo-tools' Go structs marshal to, so that our bytes
 * are the bytes mongodump writes (the golden tests hold us to that).
 */

function encode(document: Document): Buffer {
	const bytes = serialize(document);
	return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Go marshals an `int` field as int32 when it fits and as int64 otherwise. */
function goInt(value: number): Int32 | Long {
	return Number.isSafeInteger(value) && value >= -(2 ** 31) && value < 2 ** 31
		? new Int32(value)
		: Long.fromBigInt(BigInt(Math.trunc(value)));
}

/** The archive header: {concurrent_collections, version, server_version, tool_version}. */
export function encodeArchiveHeader(header: {
	concurrentCollections: number;
	formatVersion: string;
	serverVersion: string;
	toolVersion: string;
}): Buffer {
	return encode({
		concurrent_collections: new Int32(header.concurrentCollections | 0),
		version: header.formatVersion,
		server_version: header.serverVersion,
		tool_version: header.toolVersion,
	});
}

/** A prelude entry: {db, collection, metadata, size, type}. */
export function encodeCollectionEntry(entry: {db: string; collection: string; metadata: string; size: number; type: string}): Buffer {
	return encode({db: entry.db, collection: entry.collection, metadata: entry.metadata, size: goInt(entry.size), type: entry.type});
}

/** A namespace header: {db, collection, EOF, CRC}; CRC is the signed int64 of the checksum. */
export function encodeNamespaceHeader(header: {db: string; collection: string; eof: boolean; crc: bigint}): Buffer {
	return encode({db: header.db, collection: header.collection, EOF: header.eof, CRC: Long.fromBigInt(BigInt.asIntN(64, header.crc))});
}

/** Thrown by the decoders below; the parser turns it into a MonarchError that names the file and offset. */
export class ControlDocumentError extends Error {}

function decode(bytes: Uint8Array, what: string): Document {
	try {
		return deserialize(bytes, {useBigInt64: true, promoteBuffers: true, validation: {utf8: true}});
	} catch (error) {
		throw new ControlDocumentError(`unreadable ${what} (${error instanceof Error ? error.message : String(error)})`);
	}
}

// Fields mongo-tools would unmarshal: absent means the zero value, another type is an error.
function stringField(document: Document, name: string, what: string): string {
	const value: unknown = document[name];
	if (value === undefined || value === null) return '';
	if (typeof value !== 'string') throw new ControlDocumentError(`${what} field "${name}" is not a string`);
	return value;
}

function integerField(document: Document, name: string, what: string): bigint {
	const value: unknown = document[name];
	if (value === undefined || value === null) return 0n;
	if (typeof value === 'bigint') return value;
	if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
	throw new ControlDocumentError(`${what} field "${name}" is not an integer`);
}

function boolField(document: Document, name: string, what: string): boolean {
	const value: unknown = document[name];
	if (value === undefined || value === null) return false;
	if (typeof value !== 'boolean') throw new ControlDocumentError(`${what} field "${name}" is not a boolean`);
	return value;
}

/** Reads the archive header. */
export function decodeArchiveHeader(bytes: Uint8Array): {
	concurrentCollections: number;
	formatVersion: string;
	serverVersion: string;
	toolVersion: string;
} {
	const what = 'archive header';
	const document = decode(bytes, what);
	return {
		concurrentCollections: Number(integerField(document, 'concurrent_collections', what)),
		formatVersion: stringField(document, 'version', what),
		serverVersion: stringField(document, 'server_version', what),
		toolVersion: stringField(document, 'tool_version', what),
	};
}

/** Reads a prelude entry; `metadata` stays the Extended JSON string. */
export function decodeCollectionEntry(bytes: Uint8Array): {db: string; collection: string; metadata: string; size: number; type: string} {
	const what = 'collection entry';
	const document = decode(bytes, what);
	return {
		db: stringField(document, 'db', what),
		collection: stringField(document, 'collection', what),
		metadata: stringField(document, 'metadata', what),
		size: Number(integerField(document, 'size', what)),
		type: stringField(document, 'type', what),
	};
}

/** Reads a namespace header; `crc` is the unsigned checksum. */
export function decodeNamespaceHeader(bytes: Uint8Array): {db: string; collection: string; eof: boolean; crc: bigint} {
	const what = 'namespace header';
	const document = decode(bytes, what);
	return {
		db: stringField(document, 'db', what),
		collection: stringField(document, 'collection', what),
		eof: boolField(document, 'EOF', what),
		crc: BigInt.asUintN(64, integerField(document, 'CRC', what)),
	};
}
