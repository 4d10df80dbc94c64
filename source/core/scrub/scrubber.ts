import {BSON, type Document} from '../bson.js';
import type {CustomScrub} from '../querysets/selection.js';
import {type CollectionClass, withMonarchCollections} from './classification.js';
import type {FakeKind} from './fakes.js';
import {ScrubGate} from './gate.js';
import {decodeOptions, RawScrub} from './raw-scrub.js';
import type {PathStep, ScrubRule, Strategy} from './rule.js';
import {isPlainDocument, type ScrubCounts, StrategyApplier} from './strategies.js';

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

/** What the rules did in one collection (in strategies.ts, beside the strategies that count). */
export type {ScrubCounts} from './strategies.js';
export {mask} from './strategies.js';

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
	private readonly applier: StrategyApplier;
	/** Per collection with rules, its rules on raw BSON (made when first met). */
	private readonly raw = new Map<string, RawScrub>();
	private readonly classes: ReadonlyMap<string, CollectionClass>;

	constructor(private readonly options: ScrubberOptions) {
		this.applier = new StrategyApplier(options.key, options.uniqueKinds);
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

	/**
	 * Scrubs raw BSON documents of `collection`; untouched fields keep their
	 * BSON types and order. The rules are applied on the bytes
	 * ({@link RawScrub}); only a collection a QuerySet's own `scrub` applies
	 * to is decoded (that function takes a decoded document).
	 */
	batch(collection: string, documents: readonly Uint8Array[]): Uint8Array[] {
		if (!this.has(collection)) return [...documents];
		if (this.customApplies(collection))
			return documents.map(raw =>
				BSON.serialize(this.document(collection, BSON.deserialize(raw, decodeOptions)), {checkKeys: false, ignoreUndefined: false}),
			);
		let raw = this.raw.get(collection);
		if (!raw) {
			raw = new RawScrub(this.options.rules.get(collection) ?? [], this.applier);
			this.raw.set(collection, raw);
		}

		const counts = this.countsOf(collection);
		return documents.map(document => {
			counts.documents++;
			return raw.scrub(document, counts);
		});
	}

	/**
	 * Scrubs a decoded document (in place, unless a QuerySet's `scrub` returns
	 * another) and returns it: the path of collections a QuerySet's `scrub`
	 * applies to, and the reference {@link batch}'s raw path is tested against.
	 */
	document(collection: string, document: Document): Document {
		if (!this.has(collection)) return document;
		const rules = this.options.rules.get(collection) ?? [];
		const counts = this.countsOf(collection);
		counts.documents++;
		for (const rule of rules) this.apply(document, rule.steps, 0, rule.strategy, counts);
		return (this.options.custom?.(collection, document) as Document | undefined) ?? document;
	}

	/** The HMAC digest of a value's string form: the seed of its fake, and its `hash`. */
	digest(text: string): Buffer {
		return this.applier.digest(text);
	}

	private customApplies(collection: string): boolean {
		return this.options.custom !== undefined && this.options.customCollections?.has(collection) === true;
	}

	private countsOf(collection: string): ScrubCounts {
		let counts = this.counts.get(collection);
		if (!counts) {
			counts = {documents: 0, values: 0, converted: 0};
			this.counts.set(collection, counts);
		}

		return counts;
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
				if (last) value[element] = this.applier.replace(value[element], strategy, counts);
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

		container[name] = this.applier.replace(value, strategy, counts);
	}
}
