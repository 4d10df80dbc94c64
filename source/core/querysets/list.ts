import {readFile} from 'node:fs/promises';
import type {ProjectConfig} from '../config/load.js';
import {discoverQuerySets, type QuerySetFile} from './discover.js';
import {promptKey} from './prompt.js';

/** A QuerySet as `list_query_sets` shows it. */
export type QuerySetListing = QuerySetFile & {
	/** The `--param` keys its prompts ask for, as read from its source (best effort: keys computed at run time are missed). */
	params: string[];
};

/** Every QuerySet of the project with the `--param` keys it asks for. Fails naming a file that does not load. */
export async function listQuerySets(config: ProjectConfig): Promise<QuerySetListing[]> {
	const found = await discoverQuerySets(config);
	return Promise.all(found.map(async entry => ({...entry, params: promptKeysIn(await readFile(entry.file, 'utf8'))})));
}

/**
 * The keys of the `prompt.text/number/select/confirm({...})` calls in a
 * source text: the literal `key`, or else the key made from a literal
 * `message`. Comments are ignored.
 */
export function promptKeysIn(source: string): string[] {
	const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:\\])\/\/.*$/gm, '$1');
	const keys: string[] = [];
	const call = /\bprompt\s*\.\s*(?:text|number|select|confirm)\s*(?:<[^>]*>)?\s*\(\s*\{/g;
	for (let match = call.exec(code); match; match = call.exec(code)) {
		const literal = objectLiteralAt(code, match.index + match[0].length - 1);
		const key = /\bkey\s*:\s*(['"`])([^'"`]+)\1/.exec(literal)?.[2];
		const message = /\bmessage\s*:\s*(['"`])((?:(?!\1)[^\\]|\\.)*)\1/.exec(literal)?.[2];
		const found = key ?? (message !== undefined && !message.includes('${') ? promptKey(message) : undefined);
		if (found && !keys.includes(found)) keys.push(found);
	}

	return keys;
}

/** The text of the `{...}` starting at `start`, balancing braces outside strings. */
function objectLiteralAt(code: string, start: number): string {
	let depth = 0;
	let quote: string | undefined;
	for (let index = start; index < code.length; index++) {
		const char = code[index]!;
		if (quote) {
			if (char === '\\') index++;
			else if (char === quote) quote = undefined;
		} else if (char === "'" || char === '"' || char === '`') {
			quote = char;
		} else if (char === '{') {
			depth++;
		} else if (char === '}') {
			depth--;
			if (depth === 0) return code.slice(start, index + 1);
		}
	}

	return code.slice(start);
}
