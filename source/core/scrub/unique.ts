import type {CollectionInfo} from '../collections.js';
import type {FakeKind} from './fakes.js';
import type {ScrubRule} from './rule.js';

export type UniqueCheck = {
	/** Fake kinds that scrub a field under a unique index: their values get a discriminator (see `ScrubberOptions.uniqueKinds`). */
	kinds: Set<FakeKind>;
	/** Rules whose results would collide under a unique index (mask, const, null, remove), one line each. */
	problems: string[];
};

/**
 * Reads the unique indexes of the collections to copy and says which fake
 * kinds must stay unique, and which rules cannot (the copy refuses those
 * before writing anything: the index build would fail after the load).
 * A rule path `a[].b` matches an index on `a.b`.
 */
export function checkUniqueIndexes(rules: ReadonlyMap<string, readonly ScrubRule[]>, infos: readonly CollectionInfo[]): UniqueCheck {
	const kinds = new Set<FakeKind>();
	const problems: string[] = [];
	for (const info of infos) {
		const collectionRules = rules.get(info.name) ?? [];
		if (collectionRules.length === 0) continue;
		for (const index of info.indexes) {
			if (!isTrue(index.unique)) continue;
			const fields = Object.keys((index.key as Record<string, unknown> | undefined) ?? {});
			for (const rule of collectionRules) {
				const field = rule.steps.map(step => step.name).join('.');
				if (!fields.includes(field)) continue;
				const {strategy} = rule;
				if (strategy.kind === 'fake') kinds.add(strategy.fake);
				else if (strategy.kind !== 'hash') {
					problems.push(
						`scrub.${info.name}.${rule.path}: ${strategy.kind} under unique index ${String(index.name)} would give many documents the same value; use hash or fake.<kind>`,
					);
				}
			}
		}
	}

	return {kinds, problems};
}

function isTrue(value: unknown): boolean {
	if (typeof value === 'object' && value !== null && 'valueOf' in value) return Boolean((value as {valueOf(): unknown}).valueOf());
	return value === true || value === 1;
}
