/**
 * What a QuerySet chose: the collections to copy and, for each, the filter.
 * A backup or copy without a QuerySet takes every collection whole.
 */
export type Selection = {
	collections: SelectedCollection[];
};

/**
 * One collection of a Selection: its filter and, for a subset's slice, which
 * of the documents read are kept (`keep`, decided by `_id` against the
 * subset's kept set) and how many there are (for progress).
 */
export type SelectedCollection = {
	name: string;
	filter: Record<string, unknown>;
	/** The documents taken, read from the source collection by `_id` instead of scanning it (a small slice); `keep` is absent then. */
	batches?: ((collection: import('mongodb').Collection) => AsyncIterable<Buffer[]>) | undefined;
	/** Of a batch of raw documents read, those kept (a subset's slice); all when absent. */
	keep?: ((batch: Buffer[]) => Promise<Buffer[]>) | undefined;
	/** How many documents are taken, when known before reading (a subset's slice). */
	count?: number | undefined;
};

/** A QuerySet that ran: its name, the answers it was given, and its selection. */
export type QuerySetRun = {
	name: string;
	answers: Record<string, unknown>;
	selection: Selection;
	/** The QuerySet's own `scrub(collection, document)`, when it defines one (applied with `--scrub`, after the rules). */
	scrub?: CustomScrub | undefined;
	/** `static subset`: the QuerySet picks a subset instead of (or besides nothing in) `run()`; the copy or backup works it out. */
	subset?: DeclaredSubset | undefined;
	/** `static references`: entries used besides monarch.json's (the same key wins here), already parsed. */
	references?: Record<string, string> | undefined;
	/** The QuerySet's file as shown in messages. */
	file?: string | undefined;
};

/**
 * A QuerySet's `static subset`: roots as `--subset` takes them
 * (`'accounts:{"plan":"pro"}'`, `'accounts:2%'`), and `follow`, `only`, `seed`
 * as `--follow`, `--subset-only`, `--seed`.
 */
export type DeclaredSubset = {roots: string[]; follow?: string | undefined; only?: boolean | undefined; seed?: string | undefined};

/** A QuerySet's `scrub`: changes the document in place or returns the one to keep. */
export type CustomScrub = (collection: string, document: Record<string, unknown>) => Record<string, unknown> | void;

/** Why `name` cannot be a collection a QuerySet selects, or undefined when it can. */
export function collectionNameProblem(name: unknown): string | undefined {
	if (typeof name !== 'string' || name === '') return 'a collection name must be a non-empty string';
	if (name.includes('\0')) return 'a collection name cannot contain a NUL character';
	if (name.includes('$')) return 'a collection name cannot contain "$"';
	if (name.startsWith('system.')) return 'system collections are not copied';
	if (Buffer.byteLength(name) > 235) return 'a collection name is at most 235 bytes';
	return undefined;
}

/**
 * Collects `dumpCollection` calls into a Selection, in first-call order. A
 * collection selected twice takes the documents of either filter (`$or`); an
 * empty filter takes the whole collection.
 */
export function createSelectionBuilder(): {add(name: string, filter: Record<string, unknown>): void; selection(): Selection} {
	const filters = new Map<string, Array<Record<string, unknown>>>();
	return {
		add(name, filter) {
			const list = filters.get(name) ?? [];
			list.push(filter);
			filters.set(name, list);
		},
		selection() {
			const collections = [...filters].map(([name, list]) => {
				if (list.some(filter => Object.keys(filter).length === 0)) return {name, filter: {}};
				return {name, filter: list.length === 1 ? list[0]! : {$or: list}};
			});
			return {collections};
		},
	};
}
