/**
 * A set of 64-bit digests in one typed array: open addressing with linear
 * probing, each slot two 32-bit halves, all zeros meaning empty (a digest of
 * zero is stored as 1). It holds digests only, never values, so what
 * `scrub_audit` keeps of a source is 8 bytes a slot: the table doubles when
 * it is three quarters full, so it holds between 10.7 and 21.3 bytes per
 * distinct value (16 on average), and 1.5 times that for the moment it grows.
 * A JavaScript `Set` of bigints costs about 37 bytes a value (measured in
 * test/scrub/digest-set.test.ts, which prints both).
 */
export class DigestSet {
	private slots: Uint32Array;
	private mask: number;
	private count = 0;

	constructor(capacity = 1024) {
		const size = 2 ** Math.ceil(Math.log2(Math.max(16, capacity)));
		this.slots = new Uint32Array(size * 2);
		this.mask = size - 1;
	}

	/** How many distinct digests it holds. */
	get size(): number {
		return this.count;
	}

	/** The bytes of its table. */
	get byteLength(): number {
		return this.slots.byteLength;
	}

	/** Adds the digest whose halves are `high` and `low` (unsigned 32-bit); true when it was not there. */
	add(high: number, low: number): boolean {
		if (high === 0 && low === 0) low = 1;
		if ((this.count + 1) * 4 > (this.mask + 1) * 3) this.grow();
		return this.insert(this.slots, this.mask, high, low);
	}

	/** Whether it holds the digest whose halves are `high` and `low`. */
	has(high: number, low: number): boolean {
		if (high === 0 && low === 0) low = 1;
		const {slots, mask} = this;
		for (let index = low & mask; ; index = (index + 1) & mask) {
			const slotHigh = slots[index * 2]!;
			const slotLow = slots[index * 2 + 1]!;
			if (slotHigh === 0 && slotLow === 0) return false;
			if (slotHigh === high && slotLow === low) return true;
		}
	}

	private insert(slots: Uint32Array, mask: number, high: number, low: number): boolean {
		for (let index = low & mask; ; index = (index + 1) & mask) {
			const slotHigh = slots[index * 2]!;
			const slotLow = slots[index * 2 + 1]!;
			if (slotHigh === 0 && slotLow === 0) {
				slots[index * 2] = high;
				slots[index * 2 + 1] = low;
				if (slots === this.slots) this.count++;
				return true;
			}

			if (slotHigh === high && slotLow === low) return false;
		}
	}

	private grow(): void {
		const old = this.slots;
		const size = (this.mask + 1) * 2;
		const slots = new Uint32Array(size * 2);
		const mask = size - 1;
		for (let index = 0; index < old.length; index += 2) {
			if (old[index] !== 0 || old[index + 1] !== 0) this.insert(slots, mask, old[index]!, old[index + 1]!);
		}

		this.slots = slots;
		this.mask = mask;
	}
}
