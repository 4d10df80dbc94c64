/**
 * CRC-64 exactly as Go's `crc64.Checksum(data, crc64.MakeTable(crc64.ECMA))`
 * computes it (the CRC-64/XZ parameters: reflected polynomial
 * 0xC96C5795D7870F42, initial value and final xor all ones), which is what
 * mongodump writes into each namespace's EOF header and mongorestore checks.
 *
 * The 64-bit state is kept as two int32 halves so that no BigInt arithmetic
 * runs per byte; eight bytes at a time go through slicing-by-8 tables.
 */

const polyLow = 0xd7_87_0f_42 | 0;
const polyHigh = 0xc9_6c_57_95 | 0;

// Eight tables of 256 entries each, low and high halves apart. Int32Array keeps
// every value a small integer in V8, which Uint32Array would not above 2^31.
const tableLow = new Int32Array(8 * 256);
const tableHigh = new Int32Array(8 * 256);

for (let index = 0; index < 256; index++) {
	let low = index;
	let high = 0;
	for (let bit = 0; bit < 8; bit++) {
		const carry = low & 1;
		low = (low >>> 1) | (high << 31);
		high >>>= 1;
		if (carry) {
			low ^= polyLow;
			high ^= polyHigh;
		}
	}

	tableLow[index] = low;
	tableHigh[index] = high;
}

for (let slice = 1; slice < 8; slice++) {
	for (let index = 0; index < 256; index++) {
		const previousLow = tableLow[(slice - 1) * 256 + index]!;
		const previousHigh = tableHigh[(slice - 1) * 256 + index]!;
		const byte = previousLow & 0xff;
		tableLow[slice * 256 + index] = tableLow[byte]! ^ ((previousLow >>> 8) | (previousHigh << 24));
		tableHigh[slice * 256 + index] = tableHigh[byte]! ^ (previousHigh >>> 8);
	}
}

/**
 * A running CRC-64/ECMA. `update` may be called any number of times; the
 * result is the checksum of everything passed so far, laid end to end, the
 * same as Go's `hash.Hash64` from `crc64.New(crc64.MakeTable(crc64.ECMA))`.
 */
export class Crc64 {
	// The inverted register, as Go keeps it between the ^crc at the start and the end of update.
	private low = -1;
	private high = -1;

	/** Starts from a previous checksum, as Go's `crc64.Update(previous, table, data)` does. */
	constructor(previous: bigint = 0n) {
		if (previous !== 0n) {
			const value = BigInt.asUintN(64, previous);
			this.low = ~Number(value & 0xff_ff_ff_ffn);
			this.high = ~Number(value >> 32n);
		}
	}

	/** Adds bytes to the checksum. */
	update(data: Uint8Array): this {
		let low = this.low;
		let high = this.high;
		let index = 0;
		const end = data.length;
		const fastEnd = end - 8;

		while (index <= fastEnd) {
			low ^= data[index]! | (data[index + 1]! << 8) | (data[index + 2]! << 16) | (data[index + 3]! << 24);
			high ^= data[index + 4]! | (data[index + 5]! << 8) | (data[index + 6]! << 16) | (data[index + 7]! << 24);
			const b0 = 7 * 256 + (low & 0xff);
			const b1 = 6 * 256 + ((low >>> 8) & 0xff);
			const b2 = 5 * 256 + ((low >>> 16) & 0xff);
			const b3 = 4 * 256 + (low >>> 24);
			const b4 = 3 * 256 + (high & 0xff);
			const b5 = 2 * 256 + ((high >>> 8) & 0xff);
			const b6 = 256 + ((high >>> 16) & 0xff);
			const b7 = high >>> 24;
			low = tableLow[b0]! ^ tableLow[b1]! ^ tableLow[b2]! ^ tableLow[b3]! ^ tableLow[b4]! ^ tableLow[b5]! ^ tableLow[b6]! ^ tableLow[b7]!;
			high =
				tableHigh[b0]! ^
				tableHigh[b1]! ^
				tableHigh[b2]! ^
				tableHigh[b3]! ^
				tableHigh[b4]! ^
				tableHigh[b5]! ^
				tableHigh[b6]! ^
				tableHigh[b7]!;
			index += 8;
		}

		while (index < end) {
			const byte = (low ^ data[index]!) & 0xff;
			low = tableLow[byte]! ^ ((low >>> 8) | (high << 24));
			high = tableHigh[byte]! ^ (high >>> 8);
			index++;
		}

		this.low = low;
		this.high = high;
		return this;
	}

	/** The checksum so far as an unsigned 64-bit integer (Go's Sum64). */
	digest(): bigint {
		return (BigInt(~this.high >>> 0) << 32n) | BigInt(~this.low >>> 0);
	}

	/** The checksum so far as 16 lower-case hex digits. */
	hex(): string {
		return (~this.high >>> 0).toString(16).padStart(8, '0') + (~this.low >>> 0).toString(16).padStart(8, '0');
	}
}

/** The CRC-64/ECMA of `data`, continuing from `previous` like Go's crc64.Update. */
export function crc64(data: Uint8Array, previous: bigint = 0n): bigint {
	return new Crc64(previous).update(data).digest();
}

/** A checksum as 16 lower-case hex digits. */
export function crc64Hex(value: bigint): string {
	return BigInt.asUintN(64, value).toString(16).padStart(16, '0');
}
