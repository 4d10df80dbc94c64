import {backupShortName, type BackupEntry} from '../../core/backups/index.js';
import type {Environment} from '../../core/environments/index.js';
import type {TuiServices} from '../context.js';
import {newBackup} from '../jobs/backup-job.js';
import {copyInto} from '../jobs/copy-job.js';
import {dropJob} from '../jobs/drop-job.js';
import {migratePending, runOneMigration} from '../jobs/migrate-job.js';
import {rehearseJob} from '../jobs/rehearse-job.js';
import {rollbackJob} from '../jobs/rollback-job.js';
import {unlockJob} from '../jobs/unlock-job.js';
import {restoreInto} from '../jobs/restore-job.js';
import {auditJob} from '../jobs/privacy-jobs.js';

/** What a palette argument names; completion and checks look it up in PaletteData. */
export type ArgKind = 'environment' | 'backup' | 'migration' | 'querySet';

/** One positional argument: one name, or two joined by a colon (`<backup>:<env>`, `<from>:<to>`). */
export type ArgSpec = {label: string; kinds: [ArgKind] | [ArgKind, ArgKind]};

/** An option taking one value (`-q AccountQuerySet`). */
export type OptionSpec = {flags: string[]; name: string; kind: ArgKind};

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

/** A command as typed, checked: its positional values in order (a colon pair gives two) and its options by name. */
export type PaletteInput = {values: string[]; options: Record<string, string | undefined>};

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

const environment: ArgSpec = {label: '<env>', kinds: ['environment']};
const querySet: OptionSpec = {flags: ['-q', '--query-set'], name: 'querySet', kind: 'querySet'};

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

/**
 * The palette's commands: the CLI's grammar, one entry each. To add one
 * (`rollback <env>`, `unlock <env>`, `rehearse <env>`), add an entry whose
 * `run` calls the job function its panel key calls.
 */
export const paletteCommands: PaletteCommand[] = [
	{
		name: 'migrate',
		args: [environment],
		run: (tui, {values}, data) => migratePending(tui, environmentNamed(data, values[0])),
	},
	{
		name: 'migrate_one',
		aliases: ['migrate-one'],
		args: [{label: '<key>', kinds: ['migration']}, environment],
		run: (tui, {values}, data) => runOneMigration(tui, environmentNamed(data, values[1]), values[0]!),
	},
	{
		name: 'backup',
		args: [environment],
		options: [querySet],
		run: (tui, {values, options}) => newBackup(tui, {environment: values[0], querySet: options.querySet ?? null}),
	},
	{
		name: 'restore',
		args: [{label: '<backup>:<env>', kinds: ['backup', 'environment']}],
		run(tui, {values}, data) {
			const entry = completeBackup(data, values[0]!);
			if (entry) restoreInto(tui, {backup: entry.archive, from: entry.location, source: entry.environment, personalData: entry.manifest?.personalData, environment: values[1]});
		},
	},
	{
		name: 'copy_db',
		aliases: ['copy-db'],
		args: [{label: '<from>:<to>', kinds: ['environment', 'environment']}],
		options: [querySet],
		run: (tui, {values, options}) => copyInto(tui, {from: values[0], to: values[1], querySet: options.querySet}),
	},
	{
		name: 'drop_db',
		aliases: ['drop-db'],
		args: [environment],
		run: (tui, {values}, data) => dropJob(tui, environmentNamed(data, values[0])),
	},
	{
		name: 'rehearse',
		args: [environment],
		options: [querySet],
		run: (tui, {values, options}) => rehearseJob(tui, values[0]!, undefined, {querySet: options.querySet ?? null}),
	},
	{
		name: 'rollback',
		args: [environment],
		run: (tui, {values}) => rollbackJob(tui, values[0]!),
	},
	{
		name: 'unlock',
		args: [environment],
		run: (tui, {values}) => void unlockJob(tui, values[0]!),
	},
	{
		// What scrub_suggest prints is the privacy view (`P`); its `w` runs --write.
		name: 'scrub_suggest',
		aliases: ['scrub-suggest'],
		args: [environment],
		run: (tui, {values}) => tui.showPrivacy(values[0]!),
	},
	{
		name: 'scrub_audit',
		aliases: ['scrub-audit'],
		args: [{label: '<source>:<target>', kinds: ['environment', 'environment']}],
		run: (tui, {values}) => auditJob(tui, {source: values[0]!, target: values[1]}),
	},
];

/** `backup <env> [-q <QuerySet>]`: how a command is written. */
export function usageOf(command: PaletteCommand): string {
	const options = (command.options ?? []).map(option => ` [${option.flags[0]} <${option.kind === 'querySet' ? 'QuerySet' : option.kind}>]`);
	return `${command.name} ${command.args.map(arg => arg.label).join(' ')}${options.join('')}`;
}
