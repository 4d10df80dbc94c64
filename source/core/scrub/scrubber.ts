import {createHmac} from 'node:crypto';
import {BSON, type Document, EJSON} from '../bson.js';
import type {CustomScrub} from '../querysets/selection.js';
import {type CollectionClass, withMonarchCollections} from './classification.js';
import {createDigestFaker} from './digest-faker.js';
import type {FakeKind} from './fakes.js';
import {ScrubGate} from './gate.js';
import {redactFakes, redactText, sameShape} from './redact.js';
import type {PathStep, ScrubRule, Strategy} from './rule.js';

export type ScrubberOptions = {
	/** The rules by collection name. */
	rules: ReadonlyMap<string, readonly ScrubRule[]>;
	/** The secret every fake and hash is derived from (`MONARCH_SCRUB_KEY`). */
	key: string;
	/**
	 * Fake kinds used on a field under a unique index (see `uniqueFakeKinds`):
	 * their values carry a discriminator taken from the input's digest, so two
	 * different inputs never share a fake. Decided per kind, not per field, so
	 * that the same input still gives the same fake in every collection.
	 */
	uniqueKinds?: ReadonlySet<FakeKind> | undefined;
	/** A QuerySet's own `scrub`, run after the rules on every document of the collections it takes. */
	custom?: CustomScrub | undefined;
	/** The collections `custom` applies to. */
	customCollections?: ReadonlySet<string> | undefined;
	/** monarch.json's classification by collection: whole collections kept, dropped or emptied; the rest field by field. */
	classes?: ReadonlyMap<string, CollectionClass> | undefined;
	/**
	 * The source holds personal data: every collection and every field path
	 * must be classified (see {@link ScrubGate}); without it, what has no
	 * rule is copied as it is.
	 */
	gated?: boolean | undefined;
	/** The collections the copy takes: under the gate, those with no classification are recorded as unclassified at once. */
	collections?: readonly string[] | undefined;
	/** For the gate's refusal: the command (`copy_db production:development`), the environment read, and monarch.json's name. */
	refusal?: {what: string; source: string; file: string} | undefined;
};

/** What a scrubbed copy takes of a collection: its documents, only its shape (`empty`: options and indexes), or nothing (`drop`, or not classified under the gate). */
export type CollectionTake = 'documents' | 'empty' | 'nothing';

/** What the rules did in one collection. */
export type ScrubCounts = {
	documents: number;
	/** Values replaced or removed. */
	values: number;
	/** Values of an unexpected BSON type: scrubbed through their string form (binaries became null). */
	converted: number;
};

const decodeOptions = {promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true} as const;

/**
 * Applies monarch.json's `scrub` rules to documents. Every fake and hash is
 * derived from HMAC-SHA-256(key, value): the same value gives the same result
 * in every field, collection, run and machine with the same key, so joins and
 * unique indexes still hold. A path missing in a document is left alone.
 */
export class Scrubber {
	readonly counts = new Map<string, ScrubCounts>();
	/** The classification's gate, when the source holds personal data. */
	readonly gate: ScrubGate | undefined;
	private readonly fake = createDigestFaker();
	private readonly classes: ReadonlyMap<string, CollectionClass>;

	constructor(private readonly options: ScrubberOptions) {
		const classes = withMonarchCollections(options.classes);
		this.classes = classes;
		this.gate = options.gated ? new ScrubGate(classes) : undefined;
		for (const collection of options.collections ?? [])
			if (this.gate && !classes.has(collection)) this.gate.unclassifiedCollection(collection);
	}

	/**
	 * Throws the gate's one-line refusal when the copy met anything
	 * unclassified (a collection, a field path). Called once everything was
	 * read, before the swap or before the archive is finished.
	 */
	assertClassified(): void {
		const {what = 'the copy', source = 'the source', file = 'monarch.json'} = this.options.refusal ?? {};
		const refusal = this.gate?.refusal(what, source, file);
		if (refusal) throw refusal;
	}

	/** What a copy takes of a collection (under the gate, nothing of one with no classification). */
	take(collection: string): CollectionTake {
		const classification = this.classes.get(collection);
		if (classification?.kind === 'drop') return 'nothing';
		if (classification?.kind === 'empty') return 'empty';
		if (!classification && this.gate) return 'nothing';
		return 'documents';
	}

	/**
	 * A batch of raw documents on its way into a scrubbed copy: checked by
	 * the gate (when there is one), then scrubbed. Undefined when the batch
	 * must not be written: the gate found a path nothing classifies, in it or
	 * earlier (the copy then reads on only to list every such path, and fails
	 * before its swap).
	 */
	pass(collection: string, documents: readonly Uint8Array[]): readonly Uint8Array[] | undefined {
		if (this.gate && (!this.gate.check(collection, documents) || this.gate.failed)) return undefined;
		return this.has(collection) ? this.batch(collection, documents) : documents;
	}

	/** Whether a collection has rules (the others travel as raw BSON, untouched). */
	has(collection: string): boolean {
		return (
			(this.options.rules.get(collection)?.length ?? 0) > 0 ||
			(this.options.custom !== undefined && this.options.customCollections?.has(collection) === true)
		);
	}

	/** Scrubs raw BSON documents of `collection`; untouched fields keep their BSON types and order. */
	batch(collection: string, documents: readonly Uint8Array[]): Uint8Array[] {
		return documents.map(raw =>
			BSON.serialize(this.document(collection, BSON.deserialize(raw, decodeOptions)), {checkKeys: false, ignoreUndefined: false}),
		);
	}

	/** Scrubs a decoded document (in place, unless a QuerySet's `scrub` returns another) and returns it. */
	document(collection: string, document: Document): Document {
		if (!this.has(collection)) return document;
		const rules = this.options.rules.get(collection) ?? [];
		let counts = this.counts.get(collection);
		if (!counts) {
			counts = {documents: 0, values: 0, converted: 0};
			this.counts.set(collection, counts);
		}

		counts.documents++;
		for (const rule of rules) this.apply(document, rule.steps, 0, rule.strategy, counts);
		return (this.options.custom?.(collection, document) as Document | undefined) ?? document;
	}

	/** The HMAC digest of a value's string form: the seed of its fake, and its `hash`. */
	digest(text: string): Buffer {
		return createHmac('sha256', this.options.key).update(text, 'utf8').digest();
	}

	private apply(container: unknown, steps: readonly PathStep[], index: number, strategy: Strategy, counts: ScrubCounts): void {
		if (!isPlainDocument(container)) return;
		const step = steps[index]!;
		if (step.name === '*') {
			for (const name of Object.keys(container)) this.applyAt(container, name, steps, index, strategy, counts);
			return;
		}

		if (!Object.hasOwn(container, step.name)) return;
		this.applyAt(container, step.name, steps, index, strategy, counts);
	}

	/** Applies step `index` of a rule to the field `name` of `container` (its own name, or one `*` stands for). */
	private applyAt(
		container: Record<string, unknown>,
		name: string,
		steps: readonly PathStep[],
		index: number,
		strategy: Strategy,
		counts: ScrubCounts,
	): void {
		const step = steps[index]!;
		const last = index === steps.length - 1;
		const value = container[name];
		if (step.each && Array.isArray(value)) {
			if (last && strategy.kind === 'remove') {
				counts.values += value.length;
				value.length = 0;
				return;
			}

			for (let element = 0; element < value.length; element++) {
				if (last) value[element] = this.replace(value[element], strategy, counts);
				else this.apply(value[element], steps, index + 1, strategy, counts);
			}

			return;
		}

		if (!last) {
			this.apply(value, steps, index + 1, strategy, counts);
			return;
		}

		if (strategy.kind === 'remove') {
			delete container[name];
			counts.values++;
			return;
		}

		container[name] = this.replace(value, strategy, counts);
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
				return this.options.uniqueKinds?.has(fake) ? withDiscriminator(fake, text, digest) : text;
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

	/** The value a rule puts in place of `value` (`remove` is handled by the caller, which deletes instead). */
	private replace(value: unknown, strategy: Strategy, counts: ScrubCounts): unknown {
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
		return this.options.uniqueKinds?.has(strategy.fake) ? withDiscriminator(strategy.fake, fake, digest) : fake;
	}
}

function isPlainDocument(value: unknown): value is Record<string, unknown> {
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
