import {type ConfigEdit, checkEditedSection, editConfigText, replaceConfigFile} from '../edit-config-file.js';
import {parseScrubConfig} from './rules-config.js';
import type {SuggestedCollection} from './suggest-path.js';

/** What `--write` added to monarch.json. */
export type WriteResult = {
	/** Entries added (a whole collection's `"keep"` counts one). */
	added: number;
	collections: Array<{name: string; added: number; whole?: 'keep' | 'empty' | undefined}>;
};

export type WriteOptions = {
	/** monarch.json's absolute path. */
	file: string;
	displayFile: string;
	/** Its text when scrub_suggest started. */
	original: string;
	collections: readonly SuggestedCollection[];
};

/**
 * Adds the suggestions for unclassified paths to monarch.json's
 * `scrub.<collection>`, and for a collection not classified at all `"keep"`
 * when none of its paths looks personal, `"empty"` when it had no documents. Entries already there stay as they are,
 * in their order; new ones go after them. The text is edited, not
 * re-serialised (jsonc-parser's `modify`, Microsoft's, as VS Code edits its
 * settings), with the file's own indentation (tabs or spaces, their width)
 * and line ends. Refuses, writing nothing, if the file changed since
 * scrub_suggest read it, or if the result would not be a valid `scrub`.
 * Written as a new file renamed over the old one.
 */
export async function writeSuggestions(options: WriteOptions): Promise<WriteResult> {
	const planned = planSuggestions(options.collections);
	const edits: ConfigEdit[] = [];
	for (const entry of planned.collections) {
		if (entry.whole) edits.push({path: ['scrub', entry.name], value: entry.whole});
		else for (const path of entry.paths) edits.push({path: ['scrub', entry.name, path.path], value: path.suggestion});
	}

	const result: WriteResult = {
		added: planned.added,
		collections: planned.collections.map(({name, added, whole}) => (whole ? {name, added, whole} : {name, added})),
	};

	if (result.added === 0) return result;
	const text = editConfigText(options.original, edits);
	checkEditedSection(text, 'scrub', options.displayFile, scrub => parseScrubConfig(scrub as Record<string, unknown>));

	await replaceConfigFile({...options, text, command: 'scrub_suggest'});
	return result;
}

/** What --write would add: per collection, its whole classification (`keep`, `empty`) or the unclassified paths with their suggestions. */
export type PlannedSuggestions = {
	added: number;
	collections: Array<{name: string; added: number; whole?: 'keep' | 'empty' | undefined; paths: Array<{path: string; suggestion: string}>}>;
};

/** The entries writeSuggestions adds, without writing: unclassified paths of collections classified by field (or not at all). */
export function planSuggestions(collections: readonly SuggestedCollection[]): PlannedSuggestions {
	const planned: PlannedSuggestions = {added: 0, collections: []};
	for (const collection of collections) {
		if (collection.current !== null && collection.current !== 'fields') continue;
		if (collection.current === null && collection.suggestion !== 'fields') {
			planned.collections.push({name: collection.name, added: 1, whole: collection.suggestion, paths: []});
			planned.added++;
			continue;
		}

		const missing = collection.paths.filter(path => path.current === null);
		if (missing.length === 0) continue;
		planned.collections.push({
			name: collection.name,
			added: missing.length,
			paths: missing.map(path => ({path: path.path, suggestion: path.suggestion})),
		});
		planned.added += missing.length;
	}

	return planned;
}
