import {grammarCommand} from '../../cli/grammar.js';
import {type BackupEntry, backupShortName} from '../../core/backups/index.js';
import type {Environment} from '../../core/environments/index.js';
import type {SubsetRequest} from '../../core/subset/index.js';
import type {TuiServices} from '../context.js';
import {grammar} from '../grammar.js';
import {newBackup} from '../jobs/backup-job.js';
import {copyInto} from '../jobs/copy-job.js';
import {dropJob} from '../jobs/drop-job.js';
import {migratePending, runOneMigration} from '../jobs/migrate-job.js';
import {auditJob} from '../jobs/privacy-jobs.js';
import {referencesJob} from '../jobs/references-job.js';
import {rehearseJob} from '../jobs/rehearse-job.js';
import {restoreInto} from '../jobs/restore-job.js';
import {rollbackJob} from '../jobs/rollback-job.js';
import {unlockJob} from '../jobs/unlock-job.js';
import {paletteGrammar} from './palette-grammar.js';

/** What a palette argument names; completion and checks look it up in PaletteData. */
export type ArgKind = 'environment' | 'backup' | 'migration' | 'querySet';

/** One positional argument: one name, or two joined by a colon (`<backup>:<env>`, `<from>:<to>`); an optional one (`[<env>]`) comes last. */
export type ArgSpec = {label: string; kinds: [ArgKind] | [ArgKind, ArgKind]; optional?: boolean};

/**
 * What an option takes: a name of an ArgKind (`-q AccountQuerySet`), free
 * text (`--subset accounts:2%`, `--seed s1`), one of `down`/`both`
 * (`--follow`), or nothing (`flag`: `--subset-only`).
 */
export type OptionKind = ArgKind | 'text' | 'follow' | 'flag';

/**
 * An option (`-q AccountQuerySet`, `--subset accounts:2%`, `--subset-only`);
 * `label` names its value in the usage; a `repeatable` one takes every value
 * given (`--subset a:1% --subset b:{}`), any other one at most one.
 */
export type OptionSpec = {flags: string[]; name: string; kind: OptionKind; label: string; repeatable?: boolean};

/** What the palette knows of the project while it is open; a list not read yet (or unreadable) is undefined and is then neither completed nor checked. */
export type PaletteData = {
	environments: Environment[];
	/** Every backup of every store (only complete ones are offered and accepted). */
	backups?: BackupEntry[] | undefined;
	/** Migration keys (file names without extension). */
	migrations?: string[] | undefined;
	querySets?: string[] | undefined;
	/** Why a list is undefined when reading it failed (no store configured, a folder missing). */
	unreadable?: Partial<Record<ArgKind, string>> | undefined;
};

/**
 * A command as typed, checked: its positional values in order (a colon pair
 * gives two), its options by name, and a repeatable option's values in the
 * order given under `lists` (not in `options`).
 */
export type PaletteInput = {values: string[]; options: Record<string, string | undefined>; lists: Record<string, string[]>};

/**
 * One command of the `:` palette, written as on the command line. `run`
 * starts the very job function the panel keys start (source/tui/jobs/); the
 * values it gets were checked against PaletteData, so an environment value is
 * a configured environment's name, a backup value a complete backup's name.
 */
export type PaletteCommand = {
	name: string;
	/** Also accepted (the CLI's kebab-case names); never offered by completion. */
	aliases?: string[];
	args: ArgSpec[];
	options?: OptionSpec[];
	run: (tui: TuiServices, input: PaletteInput, data: PaletteData) => void;
};

/** The named environment (checked by the parser before any run). */
function environmentNamed(data: PaletteData, name: string | undefined): Environment {
	const found = data.environments.find(candidate => candidate.name === name);
	if (!found) throw new Error(`palette: environment ${String(name)} was not checked`);
	return found;
}

/** A complete backup by the name list_backups shows (with or without `.archive.gz`), newest first. */
export function completeBackup(data: PaletteData, name: string): BackupEntry | undefined {
	return data.backups?.find(entry => entry.state === 'complete' && (backupShortName(entry.archive) === name || entry.archive === name));
}

/** What the palette runs for a command: the job function its panel key calls. */
type Run = PaletteCommand['run'];

/**
 * The palette's commands, by the CLI's name, in the order they are offered:
 * each runs the job function its panel key calls. To add one, add its `run`;
 * its words (aliases, arguments, `-q`) come from the CLI's grammar.
 */
const runs: Record<string, Run> = {
	migrate: (tui, {values}, data) => migratePending(tui, environmentNamed(data, values[0])),
	migrate_one: (tui, {values}, data) => runOneMigration(tui, environmentNamed(data, values[1]), values[0]!),
	backup: (tui, input) => newBackup(tui, {environment: input.values[0], querySet: input.options.querySet ?? null, subset: subsetOf(input)}),
	restore(tui, {values}, data) {
		const entry = completeBackup(data, values[0]!);
		if (entry)
			restoreInto(tui, {
				backup: entry.archive,
				from: entry.location,
				source: entry.environment,
				personalData: entry.manifest?.personalData,
				environment: values[1],
			});
	},
	copy_db: (tui, input) =>
		copyInto(tui, {from: input.values[0], to: input.values[1], querySet: input.options.querySet, subset: subsetOf(input)}),
	drop_db: (tui, {values}, data) => dropJob(tui, environmentNamed(data, values[0])),
	rehearse: (tui, input) =>
		rehearseJob(tui, input.values[0]!, undefined, {querySet: input.options.querySet ?? null, subset: subsetOf(input)}),
	rollback: (tui, {values}) => rollbackJob(tui, values[0]!),
	unlock: (tui, {values}) => void unlockJob(tui, values[0]!),
	// What list_rehearsals prints is the rehearsal history (`H` in the Migrations panel), of the environment shown when none is named.
	list_rehearsals(tui, {values}) {
		const environment = values[0] ?? tui.environment;
		if (environment) tui.showHistory(environment);
	},
	// What scrub_suggest prints is the privacy view (`P`); its `w` runs --write.
	scrub_suggest: (tui, {values}) => tui.showPrivacy(values[0]!),
	scrub_audit: (tui, {values}) => auditJob(tui, {source: values[0]!, target: values[1]}),
	'references suggest': (tui, {values}) => referencesJob(tui, values[0]!),
};

/** The palette's commands: the CLI's grammar (commander's program) for the commands the TUI runs. */
export const paletteCommands: PaletteCommand[] = Object.entries(runs).map(([name, run]) => ({
	...paletteGrammar(grammarCommand(grammar, name)),
	run,
}));

/** The subset flags typed (`--subset`, `--follow`, `--subset-only`, `--seed`), or undefined without `--subset`. */
function subsetOf({options, lists}: PaletteInput): SubsetRequest | undefined {
	const subset = lists.subset ?? [];
	if (subset.length === 0) return undefined;
	return {subset, follow: options.follow, subsetOnly: options.subsetOnly === 'true', seed: options.seed};
}

/** `backup <env> [-q <QuerySet>]`: how a command is written. */
export function usageOf(command: PaletteCommand): string {
	const options = (command.options ?? []).map(
		option => ` [${option.flags[0]}${option.kind === 'flag' ? '' : ` <${option.label}>`}]${option.repeatable ? '...' : ''}`,
	);
	return `${command.name} ${command.args.map(arg => arg.label).join(' ')}${options.join('')}`;
}
