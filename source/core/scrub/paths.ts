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
 */
export function walkPaths(raw: Uint8Array, visit: (path: string, type: number) => void): void {
	walk(raw, 0, '', false, visit);
}

function walk(raw: Uint8Array, start: number, prefix: string, elements: boolean, visit: (path: string, type: number) => void): void {
	for (const [type, nameOffset, nameLength, offset] of BSON.onDemand.parseToElements(raw, start)) {
		const path = elements ? `${prefix}[]` : prefix === '' ? toUTF8(raw, nameOffset, nameOffset + nameLength, false) : `${prefix}.${toUTF8(raw, nameOffset, nameOffset + nameLength, false)}`;
		if (type === embeddedDocument) walk(raw, offset, path, false, visit);
		else if (type === array) walk(raw, offset, path, true, visit);
		else visit(path, type);
	}
}
