import {backupShortName} from '../../core/backups/index.js';
import type {StoreLocation} from '../../core/storage/index.js';

/*
 * The CLI line of each TUI job: what to type (or put into CI) to do the same
 * thing without the TUI. Every line confirms up front (`--yes`) where the
 * command would otherwise ask, and so stop without a terminal: migrate and
 * migrate_one on a protected environment (confirmProtected), restore, copy_db
 * and drop_db on any (confirmDestructive). A QuerySet's answers become
 * `--param key=value`, so the line asks nothing.
 */

/** Characters a POSIX shell takes literally outside quotes (Python's shlex.quote keeps the same set). */
const plainWord = /^[\w@%+=:,./-]+$/;

/** `word` as one POSIX shell word: as is when it holds only plain characters, else in single quotes (a `'` inside as `'\''`). */
export function shellQuote(word: string): string {
	if (plainWord.test(word)) return word;
	return `'${word.replaceAll("'", String.raw`'\''`)}'`;
}

/** `monarch` and `words`, each quoted for the shell where needed, joined by spaces. */
export function commandLine(words: string[]): string {
	return ['monarch', ...words].map(word => shellQuote(word)).join(' ');
}

/**
 * The words of a line made by commandLine (single quotes as shellQuote
 * writes them, `'\''` included), quotes kept: where a line may break.
 */
export function shellWords(line: string): string[] {
	const words: string[] = [];
	let word = '';
	let quoted = false;
	let escaped = false;
	for (const character of line) {
		if (escaped) escaped = false;
		else if (character === '\\' && !quoted) escaped = true;
		else if (character === "'") quoted = !quoted;
		if (character === ' ' && !quoted && !escaped) {
			if (word !== '') words.push(word);
			word = '';
		} else {
			word += character;
		}
	}

	if (word !== '') words.push(word);
	return words;
}

/**
 * The line in rows of at most `width` columns, broken only between words,
 * each row but the last ending in ` \` (a shell reads the rows, pasted, as
 * the one line). A word longer than a row gets a row of its own.
 */
export function wrapCommandLine(line: string, width: number): string[] {
	const rows: string[] = [];
	let row = '';
	for (const word of shellWords(line)) {
		if (row !== '' && row.length + 1 + word.length + 2 > width) {
			rows.push(`${row} \\`);
			row = `  ${word}`;
		} else {
			row = row === '' ? word : `${row} ${word}`;
		}
	}

	rows.push(row);
	return rows;
}

/** A QuerySet's answers as `--param key=value` flags (strings as typed, numbers and booleans as text, anything else as JSON). */
export function paramFlags(answers: Record<string, unknown> | undefined): string[] {
	return Object.entries(answers ?? {}).flatMap(([key, value]) => ['--param', `${key}=${typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value)}`]);
}

/** The environment as the lines need it: its name, and whether it is protected. */
type Target = {name: string; protected: boolean};

const yesWhenProtected = (environment: Target) => (environment.protected ? ['--yes'] : []);

/** `monarch migrate <env>` (`--yes` when protected). */
export function migrateLine(environment: Target): string {
	return commandLine(['migrate', environment.name, ...yesWhenProtected(environment)]);
}

/** `monarch migrate_one <key> <env>` (`--yes` when protected). */
export function migrateOneLine(key: string, environment: Target): string {
	return commandLine(['migrate_one', key, environment.name, ...yesWhenProtected(environment)]);
}

/** `monarch drop_db <env> --yes` (drop_db asks on every environment). */
export function dropLine(environment: string): string {
	return commandLine(['drop_db', environment, '--yes']);
}

export type BackupLineOptions = {
	environment: string;
	querySet?: string | undefined;
	answers?: Record<string, unknown> | undefined;
	/** `--name`, when one was given. */
	name?: string | undefined;
	/** `--to`, when a store was picked. */
	store?: StoreLocation | undefined;
	/** `--scrub`. */
	scrub?: boolean | undefined;
};

/** `monarch backup <env> [--name N] [-q QuerySet --param k=v...] [--to store]` (a backup asks no confirmation). */
export function backupLine(options: BackupLineOptions): string {
	return commandLine([
		'backup',
		options.environment,
		...(options.name === undefined ? [] : ['--name', options.name]),
		...(options.querySet === undefined ? [] : ['-q', options.querySet, ...paramFlags(options.answers)]),
		...(options.store === undefined ? [] : ['--to', options.store]),
		...(options.scrub ? ['--scrub'] : []),
	]);
}

/** `monarch restore <backup>:<env> [--from store] --yes` (the backup without `.archive.gz`, as list_backups shows it). */
export function restoreLine(options: {backup: string; environment: string; from?: StoreLocation | undefined; scrub?: boolean | undefined}): string {
	const backup = backupShortName(options.backup);
	return commandLine(['restore', `${backup}:${options.environment}`, ...(options.from === undefined ? [] : ['--from', options.from]), ...scrubFlags(options.scrub), '--yes']);
}

/** `monarch copy_db <from>:<to> [-q QuerySet --param k=v...] --yes`. */
export function copyLine(options: {from: string; to: string; querySet?: string | undefined; answers?: Record<string, unknown> | undefined; scrub?: boolean | undefined}): string {
	return commandLine(['copy_db', `${options.from}:${options.to}`, ...(options.querySet === undefined ? [] : ['-q', options.querySet, ...paramFlags(options.answers)]), ...scrubFlags(options.scrub), '--yes']);
}

/** `--scrub`, `--no-scrub`, or nothing (undefined: no choice was needed). */
function scrubFlags(scrub: boolean | undefined): string[] {
	if (scrub === undefined) return [];
	return [scrub ? '--scrub' : '--no-scrub'];
}

/** `monarch rollback <env> --yes` (rollback asks on every environment). */
export function rollbackLine(environment: string): string {
	return commandLine(['rollback', environment, '--yes']);
}

/** `monarch unlock <env> [--force] --yes` (unlock asks on every environment; `--force` when a live lease was removed). */
export function unlockLine(environment: string, forced: boolean): string {
	return commandLine(['unlock', environment, ...(forced ? ['--force'] : []), '--yes']);
}

/** `monarch rehearse <env> [-q QuerySet --param k=v...]` (a rehearsal only reads the environment, so it asks nothing). */
export function rehearseLine(options: {environment: string; querySet?: string | undefined; answers?: Record<string, unknown> | undefined}): string {
	return commandLine(['rehearse', options.environment, ...(options.querySet === undefined ? [] : ['-q', options.querySet, ...paramFlags(options.answers)])]);
}

/** `monarch scrub_suggest <env> [--write]` (--write asks nothing: the user reviews the diff). */
export function scrubSuggestLine(environment: string, options: {write?: boolean} = {}): string {
	return commandLine(['scrub_suggest', environment, ...(options.write ? ['--write'] : [])]);
}

/** `monarch scrub_audit <source>:<target>` (read-only: it asks nothing). */
export function scrubAuditLine(source: string, target: string): string {
	return commandLine(['scrub_audit', `${source}:${target}`]);
}
