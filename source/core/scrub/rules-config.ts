import {createHash} from 'node:crypto';
import {parseRules, type ScrubRule} from './rule.js';

/** monarch.json's `scrub`, validated: rules by collection, and where the key comes from. */
export type ScrubConfig = {
	/** The environment variable holding the key (`scrub.keyEnv`, default MONARCH_SCRUB_KEY). */
	keyEnv: string;
	rules: Map<string, ScrubRule[]>;
	/** sha256 of the rules in a canonical order (16 hex digits): recorded in manifests, never the key. */
	fingerprint: string;
};

export const defaultKeyEnv = 'MONARCH_SCRUB_KEY';

/**
 * Parses `scrub` (collections to `{path: strategy}`, plus `keyEnv`); throws
 * an Error whose message starts with the field's place, e.g.
 * `scrub.accounts.email: unknown strategy "fake.emial" ...`.
 */
export function parseScrubConfig(raw: Record<string, unknown>): ScrubConfig {
	let keyEnv = defaultKeyEnv;
	const rules = new Map<string, ScrubRule[]>();
	for (const [collection, fields] of Object.entries(raw)) {
		if (collection === 'keyEnv') {
			if (typeof fields !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(fields)) throw new Error('scrub.keyEnv: the name of an environment variable, e.g. "SHOP_SCRUB_KEY"');
			keyEnv = fields;
			continue;
		}

		if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) throw new Error(`scrub.${collection}: an object of field paths to strategies, e.g. {"email": "fake.email"}`);
		for (const [path, strategy] of Object.entries(fields)) {
			if (typeof strategy !== 'string') throw new Error(`scrub.${collection}.${path}: a strategy string, e.g. "fake.email" or "hash"`);
		}

		try {
			rules.set(collection, parseRules(fields as Record<string, string>));
		} catch (error) {
			throw new Error(`scrub.${collection}.${(error as Error).message}`);
		}
	}

	const canonical = [...rules.keys()].sort().map(collection => [collection, (rules.get(collection) ?? []).map(rule => [rule.path, rule.strategy]).sort()]);
	const fingerprint = createHash('sha256').update(JSON.stringify(canonical)).digest('hex').slice(0, 16);
	return {keyEnv, rules, fingerprint};
}
