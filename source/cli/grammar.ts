import type {Argument, Command, Option} from 'commander';

/*
 * The CLI's grammar as plain data, read from commander's program: each
 * command's name, aliases, positional arguments and options. The TUI's `:`
 * palette completes from it and the jobs' CLI lines are spelled from it, so
 * the grammar is written once, in source/cli/commands/. The TUI does not load
 * commander for it: the build writes the description of the program into
 * dist/tui/grammar.js (scripts/build.ts), and test/tui/grammar.test.ts checks
 * that description against the live program.
 */

/** One positional argument as registered (`<env>`, `<backup:env>`, `[backup...]`), its name without the brackets. */
export type GrammarArgument = {name: string; required: boolean; variadic: boolean};

/** One option: its flags (`-q`, `--query-set`; null when it has no short one), the key commander stores it under, whether it takes a value, whether it is a `--no-` form. */
/** One option; `repeatable` when it collects every value given (`--subset a --subset b`: its default is a list). */
export type GrammarOption = {
	short: string | null;
	long: string;
	attribute: string;
	takesValue: boolean;
	negate: boolean;
	repeatable: boolean;
};

/** One command: its name (a subcommand's with its group's: `references suggest`), other names, arguments in order and options. */
export type GrammarCommand = {name: string; aliases: string[]; arguments: GrammarArgument[]; options: GrammarOption[]};

/** Every command of the program, in the order they are registered (JSON as it is: the build writes it out). */
export type Grammar = {commands: GrammarCommand[]};

function describeArgument(argument: Argument): GrammarArgument {
	return {name: argument.name(), required: argument.required, variadic: argument.variadic};
}

function describeOption(option: Option): GrammarOption {
	return {
		short: option.short ?? null,
		long: option.long ?? option.flags,
		attribute: option.attributeName(),
		takesValue: option.required || option.optional,
		negate: option.negate,
		repeatable: Array.isArray(option.defaultValue),
	};
}

/**
 * The commands `command` runs, named after `prefix`: itself, or for a group of
 * subcommands (`references`) each subcommand under the group's name
 * (`references suggest`, its aliases likewise), the group itself running none.
 */
function describeCommands(command: Command, prefix: string): GrammarCommand[] {
	const name = `${prefix}${command.name()}`;
	if (command.commands.length > 0) return command.commands.flatMap(subcommand => describeCommands(subcommand, `${name} `));
	return [
		{
			name,
			aliases: command.aliases().map(alias => `${prefix}${alias}`),
			arguments: command.registeredArguments.map(argument => describeArgument(argument)),
			options: command.options.map(option => describeOption(option)),
		},
	];
}

/** The grammar of commander's `program` (from createProgram), read without parsing or running anything. */
export function describeProgram(program: Command): Grammar {
	return {commands: program.commands.flatMap(command => describeCommands(command, ''))};
}

/** The command named `name` (its own name, not an alias); throws when the program has none, a mistake in monarch's code. */
export function grammarCommand(grammar: Grammar, name: string): GrammarCommand {
	const found = grammar.commands.find(command => command.name === name);
	if (!found) throw new Error(`grammar: the CLI has no command ${name}`);
	return found;
}
