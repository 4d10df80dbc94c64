import {backupShortName} from '../../core/backups/index.js';
import {
	type ArgKind,
	completeBackup,
	type OptionSpec,
	type PaletteCommand,
	type PaletteData,
	type PaletteInput,
	usageOf,
} from './commands.js';
import {paletteWords} from './palette-words.js';

/**
 * The `:` palette's state, without Ink: the line being typed, what Tab
 * offered, the last error, and the session's history. Parsing and completion
 * are pure functions of the text, the command table and PaletteData.
 */
export type PaletteState = {
	open: boolean;
	text: string;
	/** Bumped whenever the text is set for the user (completion, history), so the field puts its cursor at the end. */
	revision: number;
	/** Commands run in this session, oldest first. */
	history: string[];
	/** The history entry shown (↑/↓), or undefined while typing. */
	recall: number | undefined;
	/** What was typed before ↑ went into the history, given back by ↓ past the newest. */
	draft: string;
	/** Tab's choices when more than one name fits. */
	candidates: string[];
	/** One line: what is wrong with the command, or what Tab could not complete. */
	error: string | undefined;
};

export type PaletteAction =
	| {type: 'open'}
	| {type: 'close'}
	| {type: 'edit'; text: string}
	| {type: 'complete'; commands: PaletteCommand[]; data: PaletteData}
	| {type: 'recall'; delta: -1 | 1}
	| {type: 'failed'; error: string}
	| {type: 'ran'; text: string};

export const initialPaletteState: PaletteState = {
	open: false,
	text: '',
	revision: 0,
	history: [],
	recall: undefined,
	draft: '',
	candidates: [],
	error: undefined,
};

export function paletteReducer(state: PaletteState, action: PaletteAction): PaletteState {
	switch (action.type) {
		case 'open': {
			return {...state, open: true, text: '', revision: state.revision + 1, recall: undefined, draft: '', candidates: [], error: undefined};
		}

		case 'close': {
			return {...state, open: false, candidates: [], error: undefined};
		}

		case 'edit': {
			return {...state, text: action.text, recall: undefined, candidates: [], error: undefined};
		}

		case 'complete': {
			const completion = completeLine(state.text, action.commands, action.data);
			const changed = completion.text !== state.text;
			return {
				...state,
				text: completion.text,
				revision: changed ? state.revision + 1 : state.revision,
				candidates: completion.candidates,
				error: completion.error,
			};
		}

		case 'recall': {
			if (state.history.length === 0) return state;
			const from = state.recall ?? state.history.length;
			const index = Math.max(0, Math.min(state.history.length, from + action.delta));
			if (index === from) return state;
			const recalled = index === state.history.length;
			const draft = state.recall === undefined ? state.text : state.draft;
			return {
				...state,
				recall: recalled ? undefined : index,
				draft,
				text: recalled ? draft : state.history[index]!,
				revision: state.revision + 1,
				candidates: [],
				error: undefined,
			};
		}

		case 'failed': {
			return {...state, error: action.error, candidates: []};
		}

		case 'ran': {
			const text = action.text.trim();
			const history = state.history.at(-1) === text ? state.history : [...state.history, text];
			return {...state, open: false, text: '', history, recall: undefined, draft: '', candidates: [], error: undefined};
		}
	}
}

/** A command line of the palette, checked: the command and its input, or a one-line error naming what is wrong and what is known. */
export type ParsedLine = {ok: true; command: PaletteCommand; input: PaletteInput} | {ok: false; error: string};

const kindNames: Record<ArgKind, string> = {environment: 'environment', backup: 'backup', migration: 'migration', querySet: 'QuerySet'};

/** Why the names of `kind` are not known: reading them failed (its one line), or is still under way. */
function notRead(kind: ArgKind | 'command' | 'option', data: PaletteData): string {
	const noun = kind === 'command' || kind === 'option' ? kind : kindNames[kind];
	const problem = kind === 'command' || kind === 'option' ? undefined : data.unreadable?.[kind];
	return problem ? `cannot read the ${noun}s: ${problem}` : `the ${noun}s are still being read: try again in a moment`;
}

/** `a, b, c` (the first `max`, then how many in all). */
function listed(names: string[], max = 6): string {
	if (names.length === 0) return 'none';
	return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')}, … (${names.length} in all)`;
}

/** The names of `kind` the palette offers and accepts, or undefined when that list is not read (yet). */
export function namesOf(kind: ArgKind, data: PaletteData): string[] | undefined {
	switch (kind) {
		case 'environment': {
			return data.environments.map(environment => environment.name);
		}

		case 'backup': {
			return data.backups?.filter(entry => entry.state === 'complete').map(entry => backupShortName(entry.archive));
		}

		case 'migration': {
			return data.migrations;
		}

		case 'querySet': {
			return data.querySets;
		}
	}
}

/** The command the typed `words` start with, by name or alias (a subcommand's name is two words: `references suggest`), and how many words its name took. */
export function commandOf(commands: PaletteCommand[], words: readonly string[]): {command: PaletteCommand; used: number} | undefined {
	for (const command of commands) {
		for (const name of [command.name, ...(command.aliases ?? [])]) {
			const parts = name.split(' ');
			if (parts.every((part, index) => words[index] === part)) return {command, used: parts.length};
		}
	}

	return undefined;
}

/** The commands of the group `words` name (`references`: `references suggest`), when they name a group of subcommands, not a command. */
function groupCommands(commands: PaletteCommand[], words: readonly string[]): PaletteCommand[] {
	const prefix = `${words.join(' ')} `;
	return commands.filter(command => command.name.startsWith(prefix));
}

/** Why the typed words name no command: the group's usage when they name a group of subcommands, else the known commands. */
function unknownCommand(commands: PaletteCommand[], words: readonly string[]): string {
	const group = groupCommands(commands, words.slice(0, 1));
	if (group.length > 0) return `usage: ${group.map(command => usageOf(command)).join('; ')}`;
	return `unknown command "${words[0]!}": known commands are ${commands.map(command => command.name).join(', ')}`;
}

/** What is wrong with `value` as a `kind`, or undefined when it is fine (or cannot be checked: its list is not read). */
function checkValue(kind: ArgKind, value: string, data: PaletteData): string | undefined {
	if (kind === 'querySet') return undefined; // The core finds it by class or file name, in any case, and names what it knows.
	if (kind === 'backup') {
		if (data.backups === undefined) return notRead('backup', data);
		if (completeBackup(data, value)) return undefined;
		const incomplete = data.backups.find(entry => backupShortName(entry.archive) === value || entry.archive === value);
		if (incomplete) return `backup "${value}" is incomplete (${incomplete.problem ?? 'unknown problem'}): it cannot be restored`;
	}

	const names = namesOf(kind, data);
	if (names === undefined || names.includes(value)) return undefined;
	return `unknown ${kindNames[kind]} "${value}": known ${kindNames[kind]}s are ${listed(names)}`;
}

/** `a QuerySet name`, `a value (down|both)`: what an option's value is, for its error. */
function optionValueName(option: OptionSpec): string {
	const {kind} = option;
	return kind === 'text' || kind === 'follow' || kind === 'flag' ? `a value (${option.label})` : `a ${kindNames[kind]} name`;
}

/** What is wrong with an option's value, or undefined (free text is the core's to check). */
function checkOptionValue(option: OptionSpec, value: string, data: PaletteData): string | undefined {
	if (option.kind === 'text' || option.kind === 'flag') return undefined;
	if (option.kind === 'follow') return followChoices.includes(value) ? undefined : `${option.flags[0]} ${value}: down or both`;
	return checkValue(option.kind, value, data);
}

const followChoices = ['down', 'both'];

/** Reads a palette line with the CLI's grammar (`restore shop__2026_11_23:staging`), checking every name it can against `data`. */
export function parseLine(text: string, commands: PaletteCommand[], data: PaletteData): ParsedLine {
	const {words, open} = paletteWords(text);
	const known = commands.map(command => command.name);
	if (words.length === 0) return {ok: false, error: `type a command: ${known.join(', ')}`};
	if (open) return {ok: false, error: `a quote is not closed: end the word "${words.at(-1)}" with the quote it starts with`};
	const found = commandOf(commands, words);
	if (!found) return {ok: false, error: unknownCommand(commands, words)};
	const {command} = found;
	const usage = `usage: ${usageOf(command)}`;

	const read = readWords(command, words.slice(found.used), data, usage);
	if ('error' in read) return {ok: false, error: read.error};
	const {positional, options, lists} = read;

	const required = command.args.filter(spec => !spec.optional).length;
	if (positional.length < required || positional.length > command.args.length) return {ok: false, error: usage};
	const values: string[] = [];
	for (const [index, spec] of command.args.slice(0, positional.length).entries()) {
		const word = positional[index]!;
		const parts = spec.kinds.length === 1 ? [word] : splitPair(word);
		if (!parts) return {ok: false, error: `expected ${spec.label}, got "${word}"; ${usage}`};
		for (const [part, value] of parts.entries()) {
			const problem = checkValue(spec.kinds[part]!, value, data);
			if (problem) return {ok: false, error: problem};
			values.push(value);
		}
	}

	return {ok: true, command, input: {values, options, lists}};
}

/** The words after a command's name: its positional words as typed, and its options checked (a repeatable one's values listed in order). */
function readWords(
	command: PaletteCommand,
	words: string[],
	data: PaletteData,
	usage: string,
): {positional: string[]; options: PaletteInput['options']; lists: PaletteInput['lists']} | {error: string} {
	const positional: string[] = [];
	const options: PaletteInput['options'] = {};
	const lists: PaletteInput['lists'] = {};
	for (let index = 0; index < words.length; index++) {
		const word = words[index]!;
		if (!word.startsWith('-')) {
			positional.push(word);
			continue;
		}

		const option = command.options?.find(candidate => candidate.flags.includes(word));
		if (!option) return {error: `unknown option "${word}" for ${command.name}; ${usage}`};
		if (!option.repeatable && option.name in options) return {error: `${word} is given twice: keep one; ${usage}`};
		if (option.kind === 'flag') {
			options[option.name] = 'true';
			continue;
		}

		const value = words[++index];
		if (value === undefined) return {error: `${word} needs ${optionValueName(option)}; ${usage}`};
		const problem = checkOptionValue(option, value, data);
		if (problem) return {error: problem};
		if (option.repeatable) lists[option.name] = [...(lists[option.name] ?? []), value];
		else options[option.name] = value;
	}

	return {positional, options, lists};
}

/** `a:b` at its last colon, both sides non-empty. */
function splitPair(word: string): [string, string] | undefined {
	const colon = word.lastIndexOf(':');
	const left = word.slice(0, colon);
	const right = word.slice(colon + 1);
	return colon > 0 && right !== '' ? [left, right] : undefined;
}

/** What Tab did: the new text, the names still in question when several fit, or why nothing could be completed. */
export type Completion = {text: string; candidates: string[]; error?: string | undefined};

function commonPrefix(names: string[]): string {
	let prefix = names[0] ?? '';
	for (const name of names) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
	return prefix;
}

/**
 * Completes the last word of `text`: the command name, then (by the
 * command's grammar) an environment, backup, migration or QuerySet name, an
 * option flag after `-`. One name that fits is written out (with a space
 * after it, or the `:` of a pair); several are completed to what they share
 * and returned as candidates; none is an error naming what is known.
 */
export function completeLine(text: string, commands: PaletteCommand[], data: PaletteData): Completion {
	const {words, open} = paletteWords(text);
	if (open || /(^|\s)['"][^\s]*$/.test(text)) return {text, candidates: [], error: 'a quoted word is not completed: type it'};
	const current = text === '' || /\s$/.test(text) ? '' : (words.pop() ?? '');
	const head = text.slice(0, text.length - current.length);
	const offer = (
		names: string[] | undefined,
		kind: ArgKind | 'command' | 'option',
		partial: string,
		prefix: string,
		suffix: string,
	): Completion => {
		if (names === undefined) return {text, candidates: [], error: notRead(kind, data)};
		const matches = names.filter(name => name.startsWith(partial));
		const noun = kind === 'command' || kind === 'option' ? kind : kindNames[kind];
		if (matches.length === 0)
			return {text, candidates: [], error: `no ${noun} starts with "${partial}": known ${noun}s are ${listed(names)}`};
		if (matches.length === 1) return {text: `${head}${prefix}${matches[0]!}${suffix}`, candidates: []};
		return {text: `${head}${prefix}${commonPrefix(matches)}`, candidates: matches};
	};

	if (words.length === 0)
		return offer(
			commands.map(command => command.name),
			'command',
			current,
			'',
			' ',
		);
	const found = commandOf(commands, words);
	if (!found) {
		// `references ` then Tab: the group's subcommands.
		const group = groupCommands(commands, words);
		if (group.length > 0)
			return offer(
				group.map(candidate => candidate.name.slice(words.join(' ').length + 1)),
				'command',
				current,
				'',
				' ',
			);
		return {text, candidates: [], error: unknownCommand(commands, words)};
	}

	const {command} = found;
	let positional = 0;
	let pendingOption: (typeof command.options & {})[number] | undefined;
	for (const word of words.slice(found.used)) {
		if (pendingOption) pendingOption = undefined;
		else if (word.startsWith('-')) pendingOption = command.options?.find(option => option.flags.includes(word) && option.kind !== 'flag');
		else positional++;
	}

	if (pendingOption?.kind === 'follow') return offer(followChoices, 'option', current, '', ' ');
	if (pendingOption?.kind === 'text') return {text, candidates: [], error: `type ${pendingOption.label}`};
	if (pendingOption && pendingOption.kind !== 'flag') return offer(namesOf(pendingOption.kind, data), pendingOption.kind, current, '', ' ');
	if (current.startsWith('-'))
		return offer(
			(command.options ?? []).map(option => option.flags[0]!),
			'option',
			current,
			'',
			' ',
		);
	const spec = command.args[positional];
	if (!spec) return {text, candidates: [], error: `nothing more to complete; usage: ${usageOf(command)}`};
	const [first, second] = spec.kinds;
	if (second === undefined) return offer(namesOf(first, data), first, current, '', ' ');
	const colon = current.lastIndexOf(':');
	if (colon === -1) return offer(namesOf(first, data), first, current, '', ':');
	return offer(namesOf(second, data), second, current.slice(colon + 1), current.slice(0, colon + 1), ' ');
}
