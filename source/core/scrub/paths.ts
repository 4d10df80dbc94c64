import {BSON} from '../bson.js';

const embeddedDocument = 3;
const array = 4;

/** BSON element types by number, as `$type` names them (for messages and `scrub_suggest`). */
export const bsonTypeNames: Readonly<Record<number, string>> = {
	1: 'double',
	2: 'string',
	3: 'object',
	4: 'array',
	5: 'binData',
	6: 'undefined',
	7: 'objectId',
	8: 'bool',
	9: 'date',
	10: 'null',
	11: 'regex',
	12: 'dbPointer',
	13: 'javascript',
	14: 'symbol',
	15: 'javascriptWithScope',
	16: 'int',
	17: 'timestamp',
	18: 'long',
	19: 'decimal',
	127: 'maxKey',
	255: 'minKey',
};

export function bsonTypeName(type: number): string {
	return bsonTypeNames[type] ?? `type ${type}`;
}

const {toUTF8} = BSON.onDemand.ByteUtils;

/**
 * Calls `visit` with the path and BSON type of every leaf value of a raw
 * document, without decoding it: `a.b` for a field of an embedded document,
 * `a[]` for the elements of array `a` (`contacts[].email`, `tags[]`). Empty
 * documents and arrays hold no value and are not visited. A path is visited
 * once per value: an array of three strings visits `tags[]` three times.
 * `offset` and `length` say where the value's bytes are in `raw`, as
 * `BSON.onDemand.parseToElements` gives them (`readBsonString` reads a string's).
 */
export function walkPaths(raw: Uint8Array, visit: PathVisitor): void {
	walk(raw, 0, '', false, visit);
}

/** What `walkPaths` calls for each leaf value. */
export type PathVisitor = (path: string, type: number, offset: number, length: number) => void;

function walk(raw: Uint8Array, start: number, prefix: string, elements: boolean, visit: PathVisitor): void {
	for (const [type, nameOffset, nameLength, offset, length] of BSON.onDemand.parseToElements(raw, start)) {
		const path = elements
			? `${prefix}[]`
			: prefix === ''
				? toUTF8(raw, nameOffset, nameOffset + nameLength, false)
				: `${prefix}.${toUTF8(raw, nameOffset, nameOffset + nameLength, false)}`;
		if (type === embeddedDocument) walk(raw, offset, path, false, visit);
		else if (type === array) walk(raw, offset, path, true, visit);
		else visit(path, type, offset, length);
	}
}

/** The text of a string value (BSON type 2) that `walkPaths` found at `offset`/`length`: a 4-byte length, the bytes, a NUL. */
export function readBsonString(raw: Uint8Array, offset: number, length: number): string {
	return toUTF8(raw, offset + 4, offset + length - 1, false);
}

/**
 * The decoded value of a leaf `walkPaths` found at `offset`/`length` (of BSON
 * type `type`), read alone: its bytes are wrapped in a one-field document and
 * deserialised, so any type decodes as the driver would (int32 and double as
 * numbers, an ObjectId as one).
 */
export function readBsonValue(raw: Uint8Array, type: number, offset: number, length: number): unknown {
	const size = 4 + 1 + 2 + length + 1;
	const document = new Uint8Array(size);
	new DataView(document.buffer).setInt32(0, size, true);
	document[4] = type;
	document[5] = 0x76; // the field's name: `v`, then its NUL
	document.set(raw.subarray(offset, offset + length), 7);
	return BSON.deserialize(document).v;
}
