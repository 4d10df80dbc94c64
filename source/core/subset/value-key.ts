import {BSON, EJSON} from '../bson.js';

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

const decoder = new TextDecoder();

/**
 * The {@link valueKey} of a raw document's `_id`, read from its bytes when
 * `_id` comes first (as servers store it) and is of a usual type; decoded
 * otherwise.
 */
export function rawIdKey(raw: Uint8Array): string {
	const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
	const type = raw[4];
	// The first element's name: `_id\0` at offsets 5 to 8.
	if (raw[5] === 0x5f && raw[6] === 0x69 && raw[7] === 0x64 && raw[8] === 0) {
		const at = 9;
		switch (type) {
			case 0x07:
				return `o${Buffer.from(raw.buffer, raw.byteOffset + at, 12).toString('hex')}`;
			case 0x02: {
				const length = view.getInt32(at, true);
				return `s${decoder.decode(raw.subarray(at + 4, at + 4 + length - 1))}`;
			}

			case 0x10:
				return `n${view.getInt32(at, true)}`;
			case 0x01:
				return valueKey(view.getFloat64(at, true));
			case 0x12: {
				const big = view.getBigInt64(at, true);
				return `n${big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big}`;
			}

			default:
				break;
		}
	}

	return valueKey(BSON.deserialize(raw)._id);
}

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
