import {z} from '../zod.js';

/**
 * monarch.json's `references`: `{"campaigns.account_id": "accounts._id",
 * "orders.items[].sku": "products.sku"}`. A key is `<collection>.<path>`: the
 * collection before the first dot, then a dotted path whose steps may end in
 * `[]` (an array whose elements are followed); a value is
 * `<collection>.<field>`: the field (dotted, no `[]`) of another collection
 * (or the same one) whose value the path holds. Whether the collections and
 * paths exist is the server's answer, checked when a subset runs.
 */
export type Reference = {
	/** The key as written, e.g. `orders.items[].sku`: what errors name (`references.<entry>`). */
	entry: string;
	/** The collection holding the reference and where in its documents: `steps` without `[]`, `query` the dotted path a filter uses. */
	from: {collection: string; path: string; steps: string[]; query: string};
	/** The collection referred to and the field whose value the reference holds (`_id`, or e.g. `sku`). */
	to: {collection: string; field: string};
};

/** Why a collection name cannot be used in a reference, or undefined. */
function collectionProblem(name: string): string | undefined {
	if (name === '') return 'starts with no collection name';
	if (name.includes('$')) return 'a collection name cannot contain "$"';
	if (name.startsWith('system')) return 'system collections are not copied';
	return undefined;
}

/** Why a path's steps are not a path (empty steps, `$`, `[]` in the wrong place), or undefined. */
function stepsProblem(steps: string[], arrays: boolean): string | undefined {
	if (steps.length === 0) return 'names no field: write <collection>.<field>';
	for (const step of steps) {
		const name = arrays ? step.replace(/\[\]$/, '') : step;
		if (name === '') return 'has an empty step: write steps as a.b, or a[].b for arrays';
		if (name.includes('[') || name.includes(']'))
			return arrays ? '"[]" only ends a step, as in items[].sku' : 'names a field, which holds no "[]"';
		if (name.startsWith('$')) return `step "${name}" starts with "$"`;
	}

	return undefined;
}

/** Splits `collection.a.b` into the collection and its path's steps; the problem with it otherwise. */
function splitEntry(text: string, arrays: boolean): {collection: string; steps: string[]} | {problem: string} {
	const dot = text.indexOf('.');
	if (dot < 0) return {problem: `"${text}" names no field: write <collection>.<field>`};
	const collection = text.slice(0, dot);
	const problem = collectionProblem(collection);
	if (problem) return {problem: `"${text}" ${problem}`};
	const steps = text.slice(dot + 1).split('.');
	const stepProblem = stepsProblem(steps, arrays);
	return stepProblem ? {problem: `"${text}" ${stepProblem}`} : {collection, steps};
}

/** Parses one entry; throws an Error whose message names `references.<key>`. */
export function parseReference(key: string, value: unknown): Reference {
	const fail = (why: string) => new Error(`references.${key}: ${why}`);
	if (typeof value !== 'string') throw fail('the value is "<collection>.<field>" it refers to, such as "accounts._id"');
	const from = splitEntry(key, true);
	if ('problem' in from) throw fail(`the key ${from.problem}`);
	const to = splitEntry(value, false);
	if ('problem' in to) throw fail(`the value ${to.problem}`);
	const steps = from.steps.map(step => step.replace(/\[\]$/, ''));
	return {
		entry: key,
		from: {collection: from.collection, path: key.slice(from.collection.length + 1), steps, query: steps.join('.')},
		to: {collection: to.collection, field: to.steps.join('.')},
	};
}

/**
 * `references` as zod checks it: an object of strings, each entry parsed by
 * {@link parseReference}; an issue's path is the entry's key, its message the
 * one-line reason.
 */
export const referencesSchema = z.record(z.string(), z.unknown()).transform((raw, context) => {
	const references: Reference[] = [];
	for (const [key, value] of Object.entries(raw)) {
		try {
			references.push(parseReference(key, value));
		} catch (error) {
			context.addIssue({code: 'custom', path: [key], message: (error as Error).message.replace(`references.${key}: `, '')});
			return z.NEVER;
		}
	}

	return references;
});

/**
 * Parses `references` (monarch.json's, or a QuerySet's `static references`);
 * throws an Error whose message starts with `references.<key>: `.
 */
export function parseReferences(raw: unknown): Reference[] {
	if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
		throw new Error('references: an object of "<collection>.<path>": "<collection>.<field>" entries');
	}

	const parsed = referencesSchema.safeParse(raw);
	if (parsed.success) return parsed.data;
	const issue = parsed.error.issues[0]!;
	throw new Error(`references.${issue.path.map(String).join('.')}: ${issue.message}`);
}

/**
 * The values a reference's path holds in a decoded document: arrays on the
 * way and at the end are followed (as a MongoDB filter on the path matches),
 * missing steps and null hold nothing. The closure reads the same values
 * from raw documents (raw-keys.ts); its tests hold the two to agree.
 */
export function referenceValues(document: unknown, steps: readonly string[]): unknown[] {
	const found: unknown[] = [];
	const walk = (value: unknown, index: number) => {
		if (value === undefined || value === null) return;
		if (Array.isArray(value)) {
			for (const element of value) walk(element, index);
			return;
		}

		if (index === steps.length) {
			found.push(value);
			return;
		}

		if (typeof value === 'object' && !isBsonValue(value)) walk((value as Record<string, unknown>)[steps[index]!], index + 1);
	};
	walk(document, 0);
	return found;
}

/** A BSON value object (ObjectId, Long, ...), which has no fields to step into. */
function isBsonValue(value: object): boolean {
	return typeof (value as {_bsontype?: unknown})._bsontype === 'string' || value instanceof Date;
}
