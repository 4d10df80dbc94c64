import type {ProjectConfig} from '../config/load.js';
import {classifyPath} from './classification.js';
import type {Strategy} from './rule.js';

/** How monarch.json classifies a collection now, as scrub_suggest reports it. */
export type CurrentClass = {
	/** The whole collection (`keep`, `drop`, `empty`), by field (`fields`), or not classified (undefined). */
	kind: 'keep' | 'drop' | 'empty' | 'fields' | undefined;
	/** An observed path's classification (a strategy as written, or `keep`), or undefined when no entry covers it. */
	classify: (path: string) => string | undefined;
};

/**
 * The classification of `collection` in monarch.json's `scrub`
 * (classification.ts): a whole collection classifies every path as its
 * kind; field by field, the most specific pattern covering the path.
 */
export function currentClassification(config: ProjectConfig, collection: string): CurrentClass {
	const classification = config.scrub?.collections.get(collection);
	if (!classification) return {kind: undefined, classify: () => undefined};
	if (classification.kind !== 'fields') return {kind: classification.kind, classify: () => classification.kind};
	return {
		kind: 'fields',
		classify(path) {
			const field = classifyPath(classification.fields, path);
			if (!field) return undefined;
			return field.action === 'keep' ? 'keep' : strategyText(field.action);
		},
	};
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
