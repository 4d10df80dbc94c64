/* What `references suggest` returns (suggest-references.ts makes it, reference-lines.ts words it). */

/** One path that may hold another collection's `_id`s, and what the sample said of it. */
export type SuggestedReference = {
	/** The `references` key: `<collection>.<path>` (`campaigns.account_id`, `posts.tag_ids[]`). */
	path: string;
	/** The `references` value, `<collection>._id`; null when the values point at no one collection. */
	target: string | null;
	/** How it was found: its name (`<x>_id` and a collection named like `<x>`), or ObjectIds that are `_id`s of one collection. */
	by: 'name' | 'objectId';
	/** The share of the distinct sampled values found in the target (0 to 1). */
	found: number;
	/** Distinct values sampled at the path (at most the sample's size). */
	values: number;
	/** Why it is proposed, or why not. */
	reason: string;
	/** What monarch.json's `references` says of this path now (its target), or null. */
	current: string | null;
};

export type ReferencesSuggestResult = {
	environment: string;
	/** The monarch.json --write adds to, as messages name it. */
	file: string;
	sample: number;
	/** The share of sampled values a reference needs in its target to be proposed. */
	proposeAt: number;
	/** Each collection read and how many documents were sampled. */
	collections: Array<{name: string; sampled: number}>;
	/** References the data suggests (found at least `proposeAt`), in collection and path order. */
	proposed: SuggestedReference[];
	/** Paths looked at and not proposed: named like a reference whose values are not found, ObjectIds of several collections or of none. */
	rejected: SuggestedReference[];
	/** monarch.json's references the data did not suggest (a target other than `_id`, values not found): kept as declared. */
	declaredOnly: Array<{path: string; target: string}>;
	/** With `write`: the entries added to monarch.json's `references`. */
	written?: {added: Array<{path: string; target: string}>} | undefined;
};
