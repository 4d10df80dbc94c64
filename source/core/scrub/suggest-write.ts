import {randomBytes} from 'node:crypto';
import {readFile, rename, rm, stat, writeFile} from 'node:fs/promises';
import {applyEdits, type FormattingOptions, modify, type ParseError, parse} from 'jsonc-parser';
import {MonarchError} from '../errors.js';
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
	const {original} = options;
	const formattingOptions = formattingOf(original);
	let text = original;
	const edit = (path: string[], value: unknown) => {
		text = applyEdits(text, modify(text, path, value, {formattingOptions}));
	};

	const planned = planSuggestions(options.collections);
	for (const entry of planned.collections) {
		if (entry.whole) edit(['scrub', entry.name], entry.whole);
		else for (const path of entry.paths) edit(['scrub', entry.name, path.path], path.suggestion);
	}

	const result: WriteResult = {
		added: planned.added,
		collections: planned.collections.map(({name, added, whole}) => (whole ? {name, added, whole} : {name, added})),
	};

	if (result.added === 0) return result;
	const errors: ParseError[] = [];
	const parsed = parse(text, errors) as {scrub?: Record<string, unknown>} | undefined;
	try {
		if (errors.length > 0 || !parsed?.scrub) throw new Error('the edited text is not JSON');
		parseScrubConfig(parsed.scrub);
	} catch (error) {
		throw new MonarchError(
			'internal',
			`${options.displayFile}: the suggestions would not make a valid scrub (${(error as Error).message}); nothing written`,
		);
	}

	const now = await readFile(options.file, 'utf8');
	if (now !== original) {
		throw new MonarchError('refused', `${options.displayFile} changed while scrub_suggest ran; nothing written`, {
			hint: 'run scrub_suggest --write again',
		});
	}

	const temporary = `${options.file}.${randomBytes(4).toString('hex')}.tmp`;
	try {
		await writeFile(temporary, text, {mode: (await stat(options.file)).mode});
		await rename(temporary, options.file);
	} catch (error) {
		await rm(temporary, {force: true});
		throw error;
	}

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

/** The file's indentation (the first indented line's: a tab, or its number of spaces) and line end. */
export function formattingOf(text: string): FormattingOptions {
	const eol = text.includes('\r\n') ? '\r\n' : '\n';
	const indent = /^([ \t]+)\S/m.exec(text)?.[1];
	if (indent?.startsWith('\t')) return {insertSpaces: false, tabSize: 1, eol};
	return {insertSpaces: true, tabSize: indent?.length ?? 2, eol};
}
