import {BSON, EJSON} from '../bson.js';
import {readBsonValue} from '../scrub/paths.js';

/**
 * The key a value is kept by in a subset's sets: equal keys for values a
 * MongoDB filter finds equal among the usual `_id` and reference types
 * (ObjectId, string, numbers of any width, dates), Extended JSON for the rest.
 */
export function valueKey(value: unknown): string {
	if (typeof value === 'string') return `s${value}`;
	if (typeof value === 'number') return `n${Object.is(value, -0) ? 0 : value}`;
	if (typeof value === 'boolean') return `b${value}`;
	if (value instanceof Date) return `d${value.getTime()}`;
	if (value !== null && typeof value === 'object') {
		const type = (value as {_bsontype?: unknown})._bsontype;
		if (type === 'ObjectId') return `o${(value as {toHexString(): string}).toHexString()}`;
		if (type === 'Long' || type === 'Int32' || type === 'Double') return `n${String(value)}`;
	}

	return `x${EJSON.stringify(value, {relaxed: false})}`;
}

const {toHex, toUTF8} = BSON.onDemand.ByteUtils;
const {getInt32LE, getBigInt64LE, getFloat64LE} = BSON.onDemand.NumberUtils;

/**
 * The {@link valueKey} of a value read from a raw document's bytes (its BSON
 * `type`, and where its bytes are: `offset`, `length`, as `PathTree` walks
 * them), the same key the value decoded would have: ObjectIds, strings,
 * int32, int64, doubles, dates and booleans read straight from the bytes;
 * the rest decoded alone.
 */
export function rawValueKey(raw: Uint8Array, type: number, offset: number, length: number): string {
	switch (type) {
		case 0x07:
			return `o${toHex(raw.subarray(offset, offset + 12))}`;
		case 0x02:
			return `s${toUTF8(raw, offset + 4, offset + length - 1, false)}`;
		case 0x10:
			return `n${getInt32LE(raw, offset)}`;
		case 0x01:
			return valueKey(getFloat64LE(raw, offset));
		// An int64 decodes as a number when it fits in one, else as a Long: both print as the same integer.
		case 0x12:
			return `n${getBigInt64LE(raw, offset)}`;
		case 0x09:
			return `d${new Date(Number(getBigInt64LE(raw, offset))).getTime()}`;
		case 0x08:
			return `b${raw[offset] === 1}`;
		default:
			return valueKey(readBsonValue(raw, type, offset, length));
	}
}

/**
 * The {@link valueKey} of a raw document's `_id`, read from its bytes when
 * `_id` comes first (as servers store it); decoded otherwise.
 */
export function rawIdKey(raw: Uint8Array): string {
	// The first element's name: `_id\0` at offsets 5 to 8; its value from 9.
	if (raw[5] === 0x5f && raw[6] === 0x69 && raw[7] === 0x64 && raw[8] === 0 && simpleTypes.has(raw[4]!)) {
		return rawValueKey(raw, raw[4]!, 9, raw[4] === 0x02 ? 4 + getInt32LE(raw, 9) : 0);
	}

	return valueKey(BSON.deserialize(raw)._id);
}

/** The types {@link rawValueKey} reads without their length. */
const simpleTypes = new Set([0x01, 0x02, 0x07, 0x08, 0x09, 0x10, 0x12]);

/** The value a {@link valueKey} stands for, to ask a server about it. */
export function keyValue(key: string): unknown {
	const text = key.slice(1);
	switch (key[0]) {
		case 's':
			return text;
		case 'n':
			return Number(text);
		case 'b':
			return text === 'true';
		case 'd':
			return new Date(Number(text));
		case 'o':
			return EJSON.parse(`{"$oid":"${text}"}`);
		default:
			return EJSON.parse(text, {relaxed: false});
	}
}
