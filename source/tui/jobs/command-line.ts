import {type GrammarCommand, grammarCommand} from '../../cli/grammar.js';
import {backupShortName} from '../../core/backups/index.js';
import type {StoreLocation} from '../../core/storage/index.js';
import type {SubsetRequest} from '../../core/subset/index.js';
import {grammar} from '../grammar.js';

/*
 * The CLI line of each TUI job: what to type (or put into CI) to do the same
 * thing without the TUI. Every line confirms up front (`--yes`) where the
 * command would otherwise ask, and so stop without a terminal: migrate and
 * migrate_one on a protected environment (confirmProtected), restore, copy_db
 * and drop_db on any (confirmDestructive). A QuerySet's answers become
 * `--param key=value`, so the line asks nothing. Command names and flags
 * are read from the CLI's grammar (commander's program, through
 * ../grammar.ts): cliLine writes nothing the CLI does not know.
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

/** An argument's value: one word, or two for an argument written `<a:b>` (joined by its colon). */
export type ArgumentValue = string | [string, string];

/** An option's value: true writes a switch, false its `--no-` form (nothing when it has none), a string the flag and the value, a list the flag once per value; undefined nothing. */
export type OptionValue = boolean | string | string[] | undefined;

/** The positional words of `command` from `values`, one per argument, checked against the grammar. */
function argumentWords(command: GrammarCommand, values: ArgumentValue[]): string[] {
	const required = command.arguments.filter(argument => argument.required).length;
	const variadic = command.arguments.some(argument => argument.variadic);
	if (values.length < required || (!variadic && values.length > command.arguments.length))
		throw new Error(`cliLine: ${command.name} takes ${command.arguments.map(argument => `<${argument.name}>`).join(' ')}`);
	return values.map((value, index) => {
		if (typeof value === 'string') return value;
		const name = command.arguments[index]?.name ?? '';
		if (!name.includes(':')) throw new Error(`cliLine: ${command.name}'s <${name}> is one word`);
		return value.join(':');
	});
}

/** The words of one option (`-q AccountQuerySet`, `--yes`, `--no-scrub`): a value option by its short flag when it has one (as people type it), a switch by its long one. */
function optionWords(command: GrammarCommand, attribute: string, value: OptionValue): string[] {
	if (value === undefined) return [];
	const candidates = command.options.filter(option => option.attribute === attribute);
	if (candidates.length === 0) throw new Error(`cliLine: ${command.name} has no option for ${attribute}`);
	if (typeof value === 'boolean') {
		const option = candidates.find(candidate => !candidate.takesValue && candidate.negate !== value);
		return option ? [option.long] : [];
	}

	const option = candidates.find(candidate => candidate.takesValue);
	if (!option) throw new Error(`cliLine: ${command.name}'s ${attribute} takes no value`);
	return (typeof value === 'string' ? [value] : value).flatMap(each => [option.short ?? option.long, each]);
}

/**
 * `monarch <command> <arguments> <options>`, quoted for the shell, spelled
 * from the CLI's grammar: the command by its name (a subcommand's two words,
 * `references suggest`, as two), the options (by the key
 * commander stores them under) in the order given. Throws on a command,
 * argument or option the CLI does not have, a mistake in monarch's code.
 */
export function cliLine(name: string, values: ArgumentValue[], options: Record<string, OptionValue> = {}): string {
	const command = grammarCommand(grammar, name);
	return commandLine([
		...command.name.split(' '),
		...argumentWords(command, values),
		...Object.entries(options).flatMap(([attribute, value]) => optionWords(command, attribute, value)),
	]);
}

/** A QuerySet's answers as `key=value` words for `--param` (strings as typed, numbers and booleans as text, anything else as JSON). */
export function paramValues(answers: Record<string, unknown> | undefined): string[] {
	return Object.entries(answers ?? {}).map(
		([key, value]) =>
			`${key}=${typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value)}`,
	);
}

/** `--param` and its values, when a QuerySet was picked: what the options of cliLine take (`{querySet, ...querySetOptions(...)}`). */
function querySetOptions(querySet: string | undefined, answers: Record<string, unknown> | undefined): Record<string, OptionValue> {
	return querySet === undefined ? {} : {querySet, param: paramValues(answers)};
}

/** The environment as the lines need it: its name, and whether it is protected. */
type Target = {name: string; protected: boolean};

/** `monarch migrate <env>` (`--yes` when protected; `--unrehearsed` past the gate's refusal). */
export function migrateLine(environment: Target, unrehearsed = false): string {
	return cliLine('migrate', [environment.name], {yes: environment.protected, unrehearsed});
}

/** `monarch migrate_one <key> <env>` (`--yes` when protected; `--unrehearsed` past the gate's refusal). */
export function migrateOneLine(key: string, environment: Target, unrehearsed = false): string {
	return cliLine('migrate_one', [key, environment.name], {yes: environment.protected, unrehearsed});
}

/** `monarch drop_db <env> --yes` (drop_db asks on every environment). */
export function dropLine(environment: string): string {
	return cliLine('drop_db', [environment], {yes: true});
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
	/** `--subset` and its flags. */
	subset?: SubsetRequest | undefined;
};

/** `monarch backup <env> [--name N] [-q QuerySet --param k=v...] [--to store]` (a backup asks no confirmation). */
export function backupLine(options: BackupLineOptions): string {
	return cliLine('backup', [options.environment], {
		name: options.name,
		...querySetOptions(options.querySet, options.answers),
		...subsetOptions(options.subset),
		to: options.store,
		scrub: options.scrub,
	});
}

/** `monarch restore <backup>:<env> [--from store] --yes` (the backup without `.archive.gz`, as list_backups shows it). */
export function restoreLine(options: {
	backup: string;
	environment: string;
	from?: StoreLocation | undefined;
	scrub?: boolean | undefined;
}): string {
	const backup = backupShortName(options.backup);
	return cliLine('restore', [[backup, options.environment]], {from: options.from, scrub: options.scrub, yes: true});
}

/** `monarch copy_db <from>:<to> [-q QuerySet --param k=v...] --yes`. */
export function copyLine(options: {
	from: string;
	to: string;
	querySet?: string | undefined;
	answers?: Record<string, unknown> | undefined;
	scrub?: boolean | undefined;
	subset?: SubsetRequest | undefined;
}): string {
	return cliLine('copy_db', [[options.from, options.to]], {
		...querySetOptions(options.querySet, options.answers),
		...subsetOptions(options.subset),
		scrub: options.scrub,
		yes: true,
	});
}

/** `--subset ... [--follow both] [--subset-only] [--seed s]`, as the CLI takes a subset. */
function subsetOptions(subset: SubsetRequest | undefined): Record<string, OptionValue> {
	if (!subset?.subset?.length) return {};
	return {subset: [...subset.subset], follow: subset.follow, subsetOnly: subset.subsetOnly, seed: subset.seed};
}

/** `monarch rollback <env> --yes` (rollback asks on every environment). */
export function rollbackLine(environment: string): string {
	return cliLine('rollback', [environment], {yes: true});
}

/** `monarch unlock <env> [--force] --yes` (unlock asks on every environment; `--force` when a live lease was removed). */
export function unlockLine(environment: string, forced: boolean): string {
	return cliLine('unlock', [environment], {force: forced, yes: true});
}

/** `monarch rehearse <env> [-q QuerySet --param k=v...]` (a rehearsal only reads the environment, so it asks nothing). */
export function rehearseLine(options: {
	environment: string;
	querySet?: string | undefined;
	answers?: Record<string, unknown> | undefined;
	subset?: SubsetRequest | undefined;
}): string {
	return cliLine('rehearse', [options.environment], {
		...querySetOptions(options.querySet, options.answers),
		...subsetOptions(options.subset),
	});
}

/** `monarch scrub_suggest <env> [--write]` (--write asks nothing: the user reviews the diff). */
export function scrubSuggestLine(environment: string, options: {write?: boolean} = {}): string {
	return cliLine('scrub_suggest', [environment], {write: options.write});
}

/** `monarch list_rehearsals <env>`: what the rehearsal history shows (read-only). */
export function listRehearsalsLine(environment: string): string {
	return cliLine('list_rehearsals', [environment]);
}

/** `monarch scrub_audit <source>:<target>` (read-only: it asks nothing). */
export function scrubAuditLine(source: string, target: string): string {
	return cliLine('scrub_audit', [[source, target]]);
}

/** `monarch references suggest <env>` (read-only: it asks nothing). */
export function referencesSuggestLine(environment: string): string {
	return cliLine('references suggest', [environment]);
}
