import type {ProjectConfig} from '../config/load.js';
import type {PathStep, Strategy} from './rule.js';

/** How monarch.json classifies a collection now, as scrub_suggest reports it. */
export type CurrentClass = {
	/** The whole collection (`keep`, `drop`, `empty`), by field (`fields`), or not classified (undefined). */
	kind: 'keep' | 'drop' | 'empty' | 'fields' | undefined;
	/** An observed path's classification (a strategy as written, or `keep`), or undefined when no entry covers it. */
	classify: (path: string) => string | undefined;
};

/**
 * The classification of `collection` in monarch.json's `scrub` (today's
 * rules: a collection with rules is classified by field). A pattern covers
 * an observed path when it matches a prefix of it step by step; a pattern's
 * last step `x` also matches `x[]` (classification.md).
 */
export function currentClassification(config: ProjectConfig, collection: string): CurrentClass {
	const rules = config.scrub?.rules.get(collection);
	if (!rules) return {kind: undefined, classify: () => undefined};
	return {
		kind: 'fields',
		classify(path) {
			const observed = observedSteps(path);
			const rule = rules.find(candidate => covers(candidate.steps, observed));
			return rule ? strategyText(rule.strategy) : undefined;
		},
	};
}

/** `contacts[].email` -> steps; `x[][]` keeps one `each` (nested arrays are walked as one level). */
export function observedSteps(path: string): PathStep[] {
	return path.split('.').map(part => {
		const name = part.replace(/(\[\])+$/, '');
		return {name, each: name !== part};
	});
}

/** Whether pattern steps match a prefix of observed steps (`*` any one key; a last `x` also matches `x[]`). */
export function covers(pattern: readonly PathStep[], observed: readonly PathStep[]): boolean {
	if (pattern.length > observed.length) return false;
	return pattern.every((step, index) => {
		const seen = observed[index]!;
		if (step.name !== '*' && step.name !== seen.name) return false;
		return step.each === seen.each || (index === pattern.length - 1 && !step.each);
	});
}

/** A strategy as monarch.json writes it. */
export function strategyText(strategy: Strategy): string {
	switch (strategy.kind) {
		case 'fake':
			return `fake.${strategy.fake}`;
		case 'mask':
			return `mask:${strategy.keepStart},${strategy.keepEnd}`;
		case 'const':
			return `const:${strategy.value}`;
		default:
			return strategy.kind;
	}
}
