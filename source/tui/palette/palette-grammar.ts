import type {GrammarArgument, GrammarCommand, GrammarOption} from '../../cli/grammar.js';
import type {ArgKind, ArgSpec, OptionKind, OptionSpec, PaletteCommand} from './commands.js';

/** What each argument name of the CLI's commands names, for completion and checks (`<backup:env>` is a backup, then an environment). */
const argumentKinds: Record<string, ArgKind> = {
	env: 'environment',
	from: 'environment',
	to: 'environment',
	source: 'environment',
	target: 'environment',
	backup: 'backup',
	key: 'migration',
};

/** The options the palette offers, by the key commander stores them under: what their value is, and its name in the usage. */
const optionKinds: Record<string, {kind: OptionKind; label: string}> = {
	querySet: {kind: 'querySet', label: 'QuerySet'},
	subset: {kind: 'text', label: 'collection:filter|n%'},
	follow: {kind: 'follow', label: 'down|both'},
	subsetOnly: {kind: 'flag', label: ''},
	seed: {kind: 'text', label: 'seed'},
};

/** `<backup:env>` as the palette writes and reads it: `<backup>:<env>`, a backup then an environment. */
function argumentSpec(argument: GrammarArgument, command: string): ArgSpec {
	const parts = argument.name.split(':');
	const kinds = parts.map(part => {
		const kind = argumentKinds[part];
		if (!kind || argument.variadic || parts.length > 2 || (!argument.required && parts.length > 1))
			throw new Error(`palette: ${command}'s argument <${argument.name}> is not one the palette knows`);
		return kind;
	});
	const label = parts.map(part => `<${part}>`).join(':');
	return argument.required
		? {label, kinds: kinds as ArgSpec['kinds']}
		: {label: `[${label}]`, kinds: kinds as ArgSpec['kinds'], optional: true};
}

/** `-q, --query-set <name>` as the palette offers it, or undefined for an option the palette leaves to the CLI. */
function optionSpec(option: GrammarOption): OptionSpec | undefined {
	const known = optionKinds[option.attribute];
	if (!known || option.takesValue !== (known.kind !== 'flag')) return undefined;
	return {
		flags: [option.short, option.long].filter(flag => flag !== null),
		name: option.attribute,
		...known,
		...(option.repeatable ? {repeatable: true} : {}),
	};
}

/** A CLI command as the palette completes and checks it: its names, its arguments and the options it offers (no `run` yet). */
export function paletteGrammar(command: GrammarCommand): Omit<PaletteCommand, 'run'> {
	const options = command.options.map(option => optionSpec(option)).filter(option => option !== undefined);
	return {
		name: command.name,
		...(command.aliases.length > 0 ? {aliases: command.aliases} : {}),
		args: command.arguments.map(argument => argumentSpec(argument, command.name)),
		...(options.length > 0 ? {options} : {}),
	};
}
