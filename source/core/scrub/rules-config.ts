import {createHash} from 'node:crypto';
import {type CollectionClass, parseCollectionClass} from './classification.js';
import type {ScrubRule, Strategy} from './rule.js';

/** monarch.json's `scrub`, validated: the classification by collection, the rules it implies, and where the key comes from. */
export type ScrubConfig = {
	/** The environment variable holding the key (`scrub.keyEnv`, default MONARCH_SCRUB_KEY). */
	keyEnv: string;
	/** `scrub.audit`: run `scrub_audit` at the end of every scrubbed copy. */
	audit: boolean;
	/** Every classified collection: whole (keep, drop, empty) or field by field. */
	collections: Map<string, CollectionClass>;
	/** The strategies of collections classified field by field (their `keep` entries left out): what the scrubber applies. */
	rules: Map<string, ScrubRule[]>;
	/** sha256 of the classification in a canonical order (16 hex digits): recorded in manifests, never the key. */
	fingerprint: string;
};

export const defaultKeyEnv = 'MONARCH_SCRUB_KEY';

/** Keys of `scrub` that are settings, not collections. */
const settings = new Set(['keyEnv', 'audit']);

/**
 * Parses `scrub`: collections to a classification (`"keep"`, `"drop"`,
 * `"empty"`, or `{path: strategy | "keep"}`), plus `keyEnv` and `audit`;
 * throws an Error whose message starts with the field's place, e.g.
 * `scrub.accounts.email: unknown strategy "fake.emial" ...`.
 */
export function parseScrubConfig(raw: Record<string, unknown>): ScrubConfig {
	let keyEnv = defaultKeyEnv;
	let audit = false;
	const collections = new Map<string, CollectionClass>();
	const rules = new Map<string, ScrubRule[]>();
	for (const [collection, value] of Object.entries(raw)) {
		if (collection === 'keyEnv') {
			if (typeof value !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(value))
				throw new Error('scrub.keyEnv: the name of an environment variable, e.g. "SHOP_SCRUB_KEY"');
			keyEnv = value;
			continue;
		}

		if (collection === 'audit') {
			if (typeof value !== 'boolean') throw new Error('scrub.audit: true (audit every scrubbed copy) or false');
			audit = value;
			continue;
		}

		let classification: CollectionClass;
		try {
			classification = parseCollectionClass(value);
		} catch (error) {
			throw new Error(`scrub.${collection}${(error as Error).message}`);
		}

		collections.set(collection, classification);
		if (classification.kind !== 'fields') continue;
		const strategies = classification.fields.flatMap(field =>
			field.action === 'keep' ? [] : [{path: field.path, steps: field.steps, strategy: field.action}],
		);
		if (strategies.length > 0) rules.set(collection, strategies);
	}

	const canonical = [...collections.keys()]
		.filter(name => !settings.has(name))
		.sort()
		.map(name => [name, canonicalClass(collections.get(name)!)]);
	const fingerprint = createHash('sha256').update(JSON.stringify(canonical)).digest('hex').slice(0, 16);
	return {keyEnv, audit, collections, rules, fingerprint};
}

function canonicalClass(classification: CollectionClass): unknown {
	if (classification.kind !== 'fields') return classification.kind;
	return classification.fields.map(field => [field.path, field.action === 'keep' ? 'keep' : (field.action satisfies Strategy)]).sort();
}
