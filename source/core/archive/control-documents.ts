import {deserialize, type Document} from 'bson';

/**
 * The archive's own small BSON documents (header, prelude entries, namespace
 * headers), encoded by hand with the field order and types that mongo-tools'
 * Go structs marshal to, so that our bytes are the bytes mongodump writes.
 */

/** One field of a control document. */
type Field =
	| {name: string; kind: 'string'; value: string}
	| {name: string; kind: 'int32'; value: number}
	| {name: string; kind: 'int64'; value: bigint}
	| {name: string; kind: 'bool'; value: boolean};

const typeString = 0x02;
const typeBool = 0x08;
const typeInt32 = 0x10;
const typeInt64 = 0x12;

function encode(fields: Field[]): Buffer {
	let size = 4 + 1;
	for (const field of fields) {
		size += 1 + Buffer.byteLength(field.name) + 1;
		switch (field.kind) {
			case 'string':
				size += 4 + Buffer.byteLength(field.value) + 1;
				break;
			case 'int32':
				size += 4;
				break;
			case 'int64':
				size += 8;
				break;
			case 'bool':
				size += 1;
				break;
		}
	}

	const buffer = Buffer.alloc(size);
	let offset = buffer.writeInt32LE(size, 0);
	for (const field of fields) {
		const type = {string: typeString, int32: typeInt32, int64: typeInt64, bool: typeBool}[field.kind];
		offset = buffer.writeUInt8(type, offset);
		offset += buffer.write(field.name, offset, 'utf8');
		offset = buffer.writeUInt8(0, offset);
		switch (field.kind) {
			case 'string': {
				const length = buffer.write(field.value, offset + 4, 'utf8');
				buffer.writeInt32LE(length + 1, offset);
				offset += 4 + length;
				offset = buffer.writeUInt8(0, offset);
				break;
			}

			case 'int32':
				offset = buffer.writeInt32LE(field.value, offset);
				break;
			case 'int64':
				offset = buffer.writeBigInt64LE(BigInt.asIntN(64, field.value), offset);
				break;
			case 'bool':
				offset = buffer.writeUInt8(field.value ? 1 : 0, offset);
				break;
		}
	}

	buffer.writeUInt8(0, offset);
	return buffer;
}

/** Go marshals an `int` field as int32 when it fits and as int64 otherwise. */
function goInt(name: string, value: number): Field {
	return Number.isSafeInteger(value) && value >= -(2 ** 31) && value < 2 ** 31
		? {name, kind: 'int32', value}
		: {name, kind: 'int64', value: BigInt(Math.trunc(value))};
}

/** The archive header: {concurrent_collections, version, server_version, tool_version}. */
export function encodeArchiveHeader(header: {concurrentCollections: number; formatVersion: string; serverVersion: string; toolVersion: string}): Buffer {
	return encode([
		{name: 'concurrent_collections', kind: 'int32', value: header.concurrentCollections | 0},
		{name: 'version', kind: 'string', value: header.formatVersion},
		{name: 'server_version', kind: 'string', value: header.serverVersion},
		{name: 'tool_version', kind: 'string', value: header.toolVersion},
	]);
}

/** A prelude entry: {db, collection, metadata, size, type}. */
export function encodeCollectionEntry(entry: {db: string; collection: string; metadata: string; size: number; type: string}): Buffer {
	return encode([
		{name: 'db', kind: 'string', value: entry.db},
		{name: 'collection', kind: 'string', value: entry.collection},
		{name: 'metadata', kind: 'string', value: entry.metadata},
		goInt('size', entry.size),
		{name: 'type', kind: 'string', value: entry.type},
	]);
}

/** A namespace header: {db, collection, EOF, CRC}; CRC is the signed int64 of the checksum. */
export function encodeNamespaceHeader(header: {db: string; collection: string; eof: boolean; crc: bigint}): Buffer {
	return encode([
		{name: 'db', kind: 'string', value: header.db},
		{name: 'collection', kind: 'string', value: header.collection},
		{name: 'EOF', kind: 'bool', value: header.eof},
		{name: 'CRC', kind: 'int64', value: header.crc},
	]);
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
export function decodeArchiveHeader(bytes: Uint8Array): {concurrentCollections: number; formatVersion: string; serverVersion: string; toolVersion: string} {
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
