import {BSON} from '../bson.js';

/**
 * Calls `visit` for each leaf value of a raw BSON document, with its path as
 * classification.md writes it (`a.b`, `contacts[].email`, `tags[]`), its
 * BSON type number and where its bytes are (`offset`, `length` in `raw`, as
 * `BSON.onDemand.parseToElements` gives them). Embedded documents and arrays
 * are walked, not visited; empty ones emit nothing. Nothing is decoded.
 * (Until the classification's own walker lands in main.)
 */
export function walkRawPaths(raw: Uint8Array, visit: (path: string, type: number, offset: number, length: number) => void): void {
	walk(raw, 0, '', false, visit);
}

function walk(raw: Uint8Array, start: number, prefix: string, array: boolean, visit: (path: string, type: number, offset: number, length: number) => void): void {
	for (const [type, nameOffset, nameLength, offset, length] of BSON.onDemand.parseToElements(raw, start)) {
		const path = array ? `${prefix}[]` : prefix === '' ? utf8(raw, nameOffset, nameLength) : `${prefix}.${utf8(raw, nameOffset, nameLength)}`;
		if (type === 3) walk(raw, offset, path, false, visit);
		else if (type === 4) walk(raw, offset, path, true, visit);
		else visit(path, type, offset, length);
	}
}

const decoder = new TextDecoder('utf8', {fatal: false});

function utf8(raw: Uint8Array, offset: number, length: number): string {
	return decoder.decode(raw.subarray(offset, offset + length));
}

/** The text of a BSON string element (type 2) found at `offset`/`length` (a 4-byte length, the bytes, a NUL). */
export function readBsonString(raw: Uint8Array, offset: number, length: number): string {
	return utf8(raw, offset + 4, length - 5);
}

/** BSON type numbers as MongoDB's `$type` names them. */
export const bsonTypeNames: Record<number, string> = {
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
	[-1]: 'minKey',
	127: 'maxKey',
};
