import {createHmac} from 'node:crypto';
import {type Document, EJSON} from '../bson.js';
import {createDigestFaker} from './digest-faker.js';
import type {FakeKind} from './fakes.js';
import {redactFakes, redactText, sameShape} from './redact.js';
import type {Strategy} from './rule.js';

/** What the rules did in one collection. */
export type ScrubCounts = {
	documents: number;
	/** Values replaced or removed. */
	values: number;
	/** Values of an unexpected BSON type: scrubbed through their string form (binaries became null). */
	converted: number;
};

/**
 * What a rule's strategy puts in place of one decoded value, shared by the
 * scrubber's two paths (raw BSON, and decoded documents for a QuerySet's
 * own `scrub`). Every fake and hash is derived from HMAC-SHA-256(key, value):
 * the same value gives the same result in every field, collection, run and
 * machine with the same key.
 */
export class StrategyApplier {
	private readonly fake = createDigestFaker();

	/**
	 * `key` is `MONARCH_SCRUB_KEY`; `uniqueKinds` the fake kinds under a
	 * unique index, whose fakes carry a discriminator (see `ScrubberOptions`).
	 */
	constructor(
		private readonly key: string,
		private readonly uniqueKinds: ReadonlySet<FakeKind> | undefined,
	) {}

	/** The HMAC digest of a value's string form: the seed of its fake, and its `hash`. */
	digest(text: string): Buffer {
		return createHmac('sha256', this.key).update(text, 'utf8').digest();
	}

	/**
	 * The value a rule puts in place of `value` (`remove` is handled by the
	 * caller, which deletes instead); null and undefined are returned as they
	 * are, uncounted. `redact` changes documents and arrays in place.
	 */
	replace(value: unknown, strategy: Strategy, counts: ScrubCounts): unknown {
		if (value === null || value === undefined) return value;
		if (strategy.kind === 'redact') return this.redact(value, counts);
		counts.values++;
		if (strategy.kind === 'null') return null;
		if (strategy.kind === 'const') return strategy.value;
		let text: string;
		if (typeof value === 'string') {
			text = value;
		} else {
			counts.converted++;
			if (isBinary(value)) return null;
			text = stringForm(value);
		}

		if (strategy.kind === 'mask') return mask(text, strategy.keepStart, strategy.keepEnd);
		const digest = this.digest(text);
		if (strategy.kind === 'hash') return digest.toString('hex');
		if (strategy.kind !== 'fake') return value;
		const fake = this.fake(strategy.fake, digest);
		return this.uniqueKinds?.has(strategy.fake) ? withDiscriminator(strategy.fake, fake, digest) : fake;
	}

	/**
	 * `redact`: every finding of `findPersonal` in a string (or in the strings
	 * of an array or document) becomes what `fake.<kind>` gives for a field
	 * holding just that finding (same digest, same discriminator under a unique
	 * index), or a same-shape replacement (`sameShape`). Counts the values it
	 * changed; other types are left as they are.
	 */
	private redact(value: unknown, counts: ScrubCounts): unknown {
		if (typeof value === 'string') {
			const redacted = redactText(value, (kind, finding) => {
				const digest = this.digest(finding);
				const fake = redactFakes[kind];
				if (!fake) return sameShape(kind, finding, digest);
				const text = this.fake(fake, digest);
				return this.uniqueKinds?.has(fake) ? withDiscriminator(fake, text, digest) : text;
			});
			if (redacted === undefined) return value;
			counts.values++;
			return redacted;
		}

		if (Array.isArray(value)) {
			for (let index = 0; index < value.length; index++) value[index] = this.redact(value[index], counts);
		} else if (isPlainDocument(value)) {
			for (const key of Object.keys(value)) value[key] = this.redact(value[key], counts);
		}

		return value;
	}
}

/** A decoded embedded document a rule's path goes through (not an array, a BSON value class, a date or a DBRef). */
export function isPlainDocument(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value) && !('_bsontype' in value) && !(value instanceof Date);
}

function isBinary(value: unknown): boolean {
	return (
		(typeof value === 'object' && value !== null && (value as {_bsontype?: unknown})._bsontype === 'Binary') || value instanceof Uint8Array
	);
}

/** A value of an unexpected type as the string its rule is applied to: numbers as digits, dates in ISO 8601, ObjectIds in hex, anything else as canonical Extended JSON. */
function stringForm(value: unknown): string {
	if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
	if (value instanceof Date) return value.toISOString();
	const type = (value as {_bsontype?: unknown})._bsontype;
	if (type === 'ObjectId') return (value as {toHexString(): string}).toHexString();
	if (type === 'Int32' || type === 'Double') return String((value as {value: number}).value);
	if (type === 'Long' || type === 'Decimal128') return String(value);
	return EJSON.stringify(value as Document, {relaxed: false});
}

/** Keeps `keepStart` characters at the start and `keepEnd` at the end (counted in code points); the rest become `*`. */
export function mask(text: string, keepStart: number, keepEnd: number): string {
	const characters = [...text];
	const start = Math.min(keepStart, characters.length);
	const end = Math.min(keepEnd, characters.length - start);
	return characters.map((character, index) => (index < start || index >= characters.length - end ? character : '*')).join('');
}

/** 48 bits of the digest (not the bits that seeded the fake) in base 36, added so that fakes of different inputs differ. */
function withDiscriminator(kind: FakeKind, fake: string, digest: Buffer): string {
	const discriminator = digest.readUIntBE(16, 6).toString(36);
	if (kind === 'email') {
		const at = fake.lastIndexOf('@');
		return `${fake.slice(0, at)}.${discriminator}${fake.slice(at)}`;
	}

	return `${fake}-${discriminator}`;
}
