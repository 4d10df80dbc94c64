import {randomInt} from 'node:crypto';

/** Bits of the filter: 2^24, 2 MiB; at a million distinct values about 1.4% of the values it never saw pass it. */
const defaultBits = 2 ** 24;

/**
 * A Bloom filter (two bits a value) over normalised values, in front of
 * `scrub_audit`'s digests: a value it says is absent was never digested, so
 * the target's strings (nearly all absent in a clean copy) skip their SHA-256
 * digest. Its hash is FNV-1a over the value's UTF-16 code units, from a
 * random per-run seed, so the bits say nothing that outlives the run; they
 * hold no value either. Fixed size: past a few million distinct values more
 * of them pass, and are digested and looked up as before (never a wrong
 * answer, only less saved).
 */
export class ValueFilter {
	private readonly words: Uint32Array;
	private readonly mask: number;
	private readonly seed = randomInt(2 ** 31);

	constructor(bits = defaultBits) {
		const size = 2 ** Math.ceil(Math.log2(Math.max(64, bits)));
		this.words = new Uint32Array(size / 32);
		this.mask = size - 1;
	}

	/** The bytes of its bits. */
	get byteLength(): number {
		return this.words.byteLength;
	}

	/**
	 * Where a value's hash starts: fold each of its UTF-16 code units in with
	 * {@link filterStep}, then hand the result to `addHash` or `mayHoldHash`
	 * (what `add` and `mayHold` do with a string; a value read as ASCII bytes
	 * hashes the same, byte by byte, with no string made).
	 */
	get basis(): number {
		return (0x81_1c_9d_c5 ^ this.seed) >>> 0;
	}

	add(value: string): void {
		this.addHash(this.hash(value));
	}

	/** Adds the value whose hash (from `basis` and `filterStep`) is `hash`. */
	addHash(hash: number): void {
		const first = hash >>> 0;
		this.set(first & this.mask);
		this.set(mix(first) & this.mask);
	}

	/** False when `value` was never added; true when it was, or (rarely) when another value set the same bits. */
	mayHold(value: string): boolean {
		return this.mayHoldHash(this.hash(value));
	}

	/** `mayHold` for the value whose hash (from `basis` and `filterStep`) is `hash`. */
	mayHoldHash(hash: number): boolean {
		const first = hash >>> 0;
		return this.get(first & this.mask) && this.get(mix(first) & this.mask);
	}

	private hash(value: string): number {
		let hash = this.basis;
		for (let index = 0; index < value.length; index++) hash = filterStep(hash, value.charCodeAt(index));
		return hash;
	}

	private set(bit: number): void {
		this.words[bit >>> 5]! |= 1 << (bit & 31);
	}

	private get(bit: number): boolean {
		return (this.words[bit >>> 5]! & (1 << (bit & 31))) !== 0;
	}
}

/** Folds one UTF-16 code unit (or ASCII byte) into a {@link ValueFilter} hash: a step of FNV-1a. */
export function filterStep(hash: number, code: number): number {
	return Math.imul(hash ^ code, 0x01_00_01_93);
}

/** murmur3's finaliser: a second, independent-looking position from the first hash. */
function mix(hash: number): number {
	let mixed = hash ^ (hash >>> 16);
	mixed = Math.imul(mixed, 0x85_eb_ca_6b);
	mixed ^= mixed >>> 13;
	mixed = Math.imul(mixed, 0xc2_b2_ae_35);
	return (mixed ^ (mixed >>> 16)) >>> 0;
}
