import {MonarchError} from '../errors.js';
import {counted} from '../plural.js';
import {type CollectionClass, classifyPath} from './classification.js';
import {bsonTypeName, PathTree} from './paths.js';

/** A path (or a whole collection) that the classification does not cover. */
export type UnclassifiedPath = {
	collection: string;
	/** Undefined for a collection that is not classified at all. */
	path: string | undefined;
	/** BSON type names seen at the path. */
	types: string[];
	/** Documents holding the path (0 for a whole collection). */
	documents: number;
};

/** How many unclassified paths the refusal names; the rest are counted. */
const namedInRefusal = 5;

/**
 * The gate of a scrubbed copy from a personal-data source: every document's
 * field paths, walked in raw BSON as the data flows, must be covered by the
 * classification of monarch.json's `scrub`, and every collection must be
 * classified. It records what is not; once anything is, the copy writes
 * nothing more and fails before its swap (see {@link refusal}).
 */
export class ScrubGate {
	private readonly found = new Map<string, {collection: string; path: string | undefined; types: Set<string>; documents: number}>();
	/** Per collection, each path seen so far and whether it is classified (most documents share their paths). */
	private readonly known = new Map<string, PathTree<boolean>>();

	constructor(private readonly classes: ReadonlyMap<string, CollectionClass>) {}

	/** Records a collection that has no classification; its documents are not read. */
	unclassifiedCollection(collection: string): void {
		this.found.set(`${collection}\0`, {collection, path: undefined, types: new Set(), documents: 0});
	}

	private announced = false;

	/** Once, after the first unclassified path or collection: the warning that says the copy writes nothing more and reads on. */
	announce(): string | undefined {
		if (this.announced || !this.failed) return undefined;
		this.announced = true;
		return `unclassified data found (${describeUnclassified(this.unclassified[0]!)}): nothing more is written; reading on to list every unclassified path`;
	}

	/** True once anything was found unclassified: from then on nothing more may be written. */
	get failed(): boolean {
		return this.found.size > 0;
	}

	/**
	 * Walks every document of a batch of a collection classified field by
	 * field; returns false when one holds a path no entry covers (recorded
	 * with its type and the documents holding it).
	 */
	check(collection: string, documents: readonly Uint8Array[]): boolean {
		const classification = this.classes.get(collection);
		if (!classification) {
			this.unclassifiedCollection(collection);
			return false;
		}

		if (classification.kind !== 'fields') return true;
		let known = this.known.get(collection);
		if (!known) {
			const {fields} = classification;
			known = new PathTree(path => classifyPath(fields, path) !== undefined);
			this.known.set(collection, known);
		}

		let clean = true;
		let inDocument: Set<string> | undefined;
		const visit = (path: string, covered: boolean, type: number): void => {
			if (covered) return;
			clean = false;
			const key = `${collection}\0${path}`;
			let entry = this.found.get(key);
			if (!entry) {
				entry = {collection, path, types: new Set(), documents: 0};
				this.found.set(key, entry);
			}

			entry.types.add(bsonTypeName(type));
			inDocument ??= new Set();
			if (!inDocument.has(path)) {
				inDocument.add(path);
				entry.documents++;
			}
		};

		for (const raw of documents) {
			inDocument?.clear();
			known.walk(raw, visit);
		}

		return clean;
	}

	/** What was found unclassified, collections first, then by documents (most first). */
	get unclassified(): UnclassifiedPath[] {
		return [...this.found.values()]
			.map(entry => ({collection: entry.collection, path: entry.path, types: [...entry.types].sort(), documents: entry.documents}))
			.sort(
				(a, b) =>
					Number(a.path !== undefined) - Number(b.path !== undefined) ||
					b.documents - a.documents ||
					`${a.collection}.${a.path ?? ''}`.localeCompare(`${b.collection}.${b.path ?? ''}`),
			);
	}

	/**
	 * The one-line refusal when anything was unclassified (undefined when
	 * nothing was): up to five paths with their types and documents, and the
	 * command that proposes rules. `what` names the command, `source` the
	 * environment read.
	 */
	refusal(what: string, source: string, file: string): MonarchError | undefined {
		const all = this.unclassified;
		if (all.length === 0) return undefined;
		const named = all.slice(0, namedInRefusal).map(describeUnclassified);
		const more = all.length > namedInRefusal ? `, and ${all.length - namedInRefusal} more` : '';
		return new MonarchError('unclassified', `${what}: not classified in ${file}: ${named.join(', ')}${more}; nothing was written`, {
			hint: `run \`monarch scrub_suggest ${source} --write\`, review the diff and run again; --no-scrub copies the data as it is`,
		});
	}
}

/** `accounts.ssn (string, 20 documents)` or `payments (collection not classified)`. */
export function describeUnclassified(entry: UnclassifiedPath): string {
	if (entry.path === undefined) return `${entry.collection} (collection not classified)`;
	return `${entry.collection}.${entry.path} (${entry.types.join('/')}, ${counted(entry.documents, 'document')})`;
}
