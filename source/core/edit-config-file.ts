import {randomBytes} from 'node:crypto';
import {readFile, rename, rm, stat, writeFile} from 'node:fs/promises';
import {applyEdits, type FormattingOptions, modify, type ParseError, parse} from 'jsonc-parser';
import {MonarchError} from './errors.js';

/*
 * How commands add entries to monarch.json (scrub_suggest --write,
 * references suggest --write): the text is edited, not re-serialised
 * (jsonc-parser's `modify`, Microsoft's, as VS Code edits its settings), so
 * the user's entries, their order, indentation and line ends stay; the file
 * is replaced only if it is still what the command read.
 */

/** One value to set: its place in the JSON (`['scrub', 'accounts', 'email']`) and the value. */
export type ConfigEdit = {path: string[]; value: unknown};

/** `original` with each edit applied in order, in the file's own formatting; an entry already there is replaced in place, a new one goes after its siblings. */
export function editConfigText(original: string, edits: readonly ConfigEdit[]): string {
	const formattingOptions = formattingOf(original);
	let text = original;
	for (const edit of edits) text = applyEdits(text, modify(text, edit.path, edit.value, {formattingOptions}));
	return text;
}

/**
 * Checks the edited text before it is written: JSON still, and its
 * `section` (`scrub`, `references`) passes `validate` (the section's own
 * parser, which throws). Any failure is monarch's mistake, not the user's:
 * an internal error naming the file, and nothing written.
 */
export function checkEditedSection(text: string, section: string, displayFile: string, validate: (value: unknown) => void): void {
	const errors: ParseError[] = [];
	const parsed = parse(text, errors) as Record<string, unknown> | undefined;
	try {
		if (errors.length > 0 || parsed?.[section] === undefined) throw new Error('the edited text is not JSON');
		validate(parsed[section]);
	} catch (error) {
		throw new MonarchError(
			'internal',
			`${displayFile}: the suggestions would not make a valid ${section} (${(error as Error).message}); nothing written`,
		);
	}
}

/** The file's indentation (the first indented line's: a tab, or its number of spaces) and line end. */
export function formattingOf(text: string): FormattingOptions {
	const eol = text.includes('\r\n') ? '\r\n' : '\n';
	const indent = /^([ \t]+)\S/m.exec(text)?.[1];
	if (indent?.startsWith('\t')) return {insertSpaces: false, tabSize: 1, eol};
	return {insertSpaces: true, tabSize: indent?.length ?? 2, eol};
}

export type ReplaceConfigOptions = {
	/** monarch.json's absolute path. */
	file: string;
	displayFile: string;
	/** Its text when the command read it. */
	original: string;
	/** The new text. */
	text: string;
	/** The command, as the refusal names it (`scrub_suggest`). */
	command: string;
};

/**
 * Writes `text` over monarch.json, refusing (writing nothing) if the file is
 * no longer `original`: the user edited it while the command ran. Written as
 * a new file (with the old one's mode) renamed over the old one.
 */
export async function replaceConfigFile(options: ReplaceConfigOptions): Promise<void> {
	const now = await readFile(options.file, 'utf8');
	if (now !== options.original) {
		throw new MonarchError('refused', `${options.displayFile} changed while ${options.command} ran; nothing written`, {
			hint: `run ${options.command} --write again`,
		});
	}

	const temporary = `${options.file}.${randomBytes(4).toString('hex')}.tmp`;
	try {
		await writeFile(temporary, options.text, {mode: (await stat(options.file)).mode});
		await rename(temporary, options.file);
	} catch (error) {
		await rm(temporary, {force: true});
		throw error;
	}
}
