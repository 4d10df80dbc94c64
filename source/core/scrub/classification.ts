import {historyCollection} from '../collections.js';
import {type PathStep, parsePath, parseStrategy, type Strategy} from './rule.js';

/** What happens to the value at a classified path: a strategy, or `keep` (reviewed: not personal). */
export type FieldAction = 'keep' | Strategy;

/** One entry of `scrub.<collection>`: a path pattern (`a.b`, `a[].b`, `prefs.*`) and its action. */
export type FieldClass = {path: string; steps: PathStep[]; action: FieldAction};

/**
 * How a collection is classified: whole (`keep`: reviewed, not personal;
 * `drop`: not copied; `empty`: created with its indexes, no documents), or
 * field by field.
 */
export type CollectionClass = {kind: 'keep'} | {kind: 'drop'} | {kind: 'empty'} | {kind: 'fields'; fields: FieldClass[]};

export const wholeCollectionKinds = ['keep', 'drop', 'empty'] as const;

/** Parses `scrub.<collection>`'s value; throws an Error whose message starts with the field's path inside the collection (or says what the value should be). */
export function parseCollectionClass(value: unknown): CollectionClass {
	if (typeof value === 'string') {
		if ((wholeCollectionKinds as readonly string[]).includes(value)) return {kind: value as 'keep' | 'drop' | 'empty'};
		throw new Error(
			`: "${value}" is not a classification of a whole collection; write "keep", "drop", "empty", or an object of field paths, e.g. {"email": "fake.email", "plan": "keep"}`,
		);
	}

	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		throw new Error(': "keep", "drop", "empty", or an object of field paths to strategies, e.g. {"email": "fake.email", "plan": "keep"}');
	}

	const fields: FieldClass[] = [];
	for (const [path, text] of Object.entries(value)) {
		if (typeof text !== 'string') throw new Error(`.${path}: a strategy string, e.g. "fake.email", "hash", "redact" or "keep"`);
		try {
			fields.push({path, steps: parsePath(path, {wildcards: true}), action: text === 'keep' ? 'keep' : parseStrategy(text)});
		} catch (error) {
			throw new Error(`.${path}: ${(error as Error).message}`);
		}
	}

	for (const field of fields) {
		if (field.action === 'keep') continue;
		// Inside a strategy nothing else may be said: the strategy already decides every value below it.
		const clash = fields.find(other => other !== field && covers(field.steps, other.steps));
		if (clash) throw new Error(`.${clash.path}: inside ${field.path}, which has its own rule; keep one of the two`);
	}

	return {kind: 'fields', fields};
}

/**
 * The classification as copies apply it: monarch.json's, plus monarch's own
 * history (`monarch_migrations`: migration names and runners, never
 * customers' data) kept unless classified otherwise.
 */
export function withMonarchCollections(classes: ReadonlyMap<string, CollectionClass> | undefined): Map<string, CollectionClass> {
	const all = new Map(classes);
	if (!all.has(historyCollection)) all.set(historyCollection, {kind: 'keep'});
	return all;
}

/** An observed path (`address.street`, `contacts[].email`, `tags[]`) as steps. */
export function observedSteps(path: string): PathStep[] {
	return path.split('.').map(part => {
		let name = part;
		let each = false;
		while (name.endsWith('[]')) {
			name = name.slice(0, -2);
			each = true;
		}

		return {name, each};
	});
}

/**
 * Whether `pattern` covers the observed path `observed`: it matches a prefix
 * of it step by step; `*` matches any one key; `x[]` matches the elements of
 * array `x`; a pattern's last step `x` covers `x` whole, elements included.
 */
export function covers(pattern: readonly PathStep[], observed: readonly PathStep[]): boolean {
	if (pattern.length > observed.length) return false;
	for (let index = 0; index < pattern.length; index++) {
		const want = pattern[index]!;
		const seen = observed[index]!;
		if (want.name !== '*' && want.name !== seen.name) return false;
		if (want.each !== seen.each && (want.each || index < pattern.length - 1)) return false;
	}

	return true;
}

/**
 * The action for an observed path of a collection classified field by field:
 * the most specific pattern that covers it (the longest; among equals, the
 * one with fewer `*`), or undefined when none does (unclassified).
 */
export function classifyPath(fields: readonly FieldClass[], observed: string | readonly PathStep[]): FieldClass | undefined {
	const steps = typeof observed === 'string' ? observedSteps(observed) : observed;
	let best: FieldClass | undefined;
	for (const field of fields) {
		if (!covers(field.steps, steps)) continue;
		if (!best || specificity(field) > specificity(best)) best = field;
	}

	return best;
}

function specificity(field: FieldClass): number {
	return field.steps.length * 100 - field.steps.filter(step => step.name === '*').length;
}
