import {backup} from '../../core/backups/backup.js';
import type {BackupEntry} from '../../core/backups/catalogue.js';
import {copyDatabase, type CopyResult} from '../../core/backups/copy.js';
import {backupBaseName} from '../../core/backups/naming.js';
import {restore} from '../../core/backups/restore.js';
import type {Environment} from '../../core/environments.js';
import {describeError} from '../../core/errors.js';
import type {Prompter} from '../../core/prompts.js';
import {listQuerySets} from '../../core/querysets/list.js';
import {configuredLocations, type StoreLocation} from '../../core/storage/index.js';
import type {TuiServices} from '../context.js';
import {backupSummary, copySummary, loadResultLines, restoreSummary, shortName} from '../state/backup-rows.js';

/** The QuerySet choice that means "the whole database". */
const wholeDatabase = 'whole database';

function environmentChoices(environments: Environment[]): Array<{value: string; label: string}> {
	return environments.map(environment => ({
		value: environment.name,
		label: `${environment.name}  (${environment.database}${environment.protected ? ', protected' : ''})`,
	}));
}

/** Asks for an environment in a select (the selected one first by default). */
export async function pickEnvironment(prompter: Prompter, tui: TuiServices, message: string, except?: string): Promise<string> {
	const environments = tui.config.environments.filter(environment => environment.name !== except);
	const fallback = environments.find(environment => environment.name === tui.environment) ?? environments[0];
	return prompter.select({key: 'environment', message, choices: environmentChoices(environments), default: fallback?.name});
}

/** Enter on a backup: pick the target environment, the core confirms (the typed name when protected), then restore as a job. */
export function restoreBackup(tui: TuiServices, entry: BackupEntry, reload: () => void): void {
	if (entry.state !== 'complete') {
		tui.toast(`Cannot restore ${shortName(entry.archive)}: incomplete (${entry.problem ?? 'unknown problem'})`, 'error');
		return;
	}

	const name = shortName(entry.archive);
	tui.startJob({
		title: `Restore ${name}`,
		async run({events, signal, prompter}) {
			const environment = await pickEnvironment(prompter, tui, `Restore ${name} (from ${entry.environment ?? '?'}) into which environment?`);
			const result = await restore({config: tui.config, backup: entry.archive, from: entry.location, environment, yes: false, prompter, events, signal});
			tui.showModal({title: `Restored ${shortName(result.archive)} into ${result.environment}`, tone: 'info', lines: loadResultLines(result, `${result.environment} (database ${result.database})`, `${result.store}${result.archive}`)});
			return result;
		},
		summary: restoreSummary,
		onSettled: reload,
	});
}

/** What a new backup already knows; the rest is asked in forms. */
export type NewBackupOptions = {
	environment?: string | undefined;
	/** A QuerySet name, or null for the whole database without asking. */
	querySet?: string | null | undefined;
	/** Ask for the archive's name (the database's name by default). */
	askName?: boolean;
};

/** The QuerySets a form can offer; none when the folder is missing or a file does not load (the backup then takes the whole database). */
async function querySetNames(tui: TuiServices): Promise<string[]> {
	try {
		return (await listQuerySets(tui.config)).map(querySet => querySet.name);
	} catch {
		return [];
	}
}

/** A backup as a job: asks the environment, a QuerySet, the name and the store as needed, then the QuerySet's own questions. */
export function newBackup(tui: TuiServices, options: NewBackupOptions, reload?: () => void): void {
	tui.startJob({
		title: options.environment ? `Back up ${options.environment}` : 'New backup',
		async run({events, signal, prompter}) {
			const environment = options.environment ?? (await pickEnvironment(prompter, tui, 'Back up which environment?'));
			let querySet = options.querySet ?? undefined;
			if (options.querySet === undefined) {
				const names = await querySetNames(tui);
				if (names.length > 0) {
					const picked = await prompter.select({
						key: 'querySet',
						message: `Back up all of ${environment}, or only what a QuerySet picks?`,
						choices: [{value: wholeDatabase, label: '(whole database)'}, ...names.map(value => ({value}))],
						default: wholeDatabase,
					});
					querySet = picked === wholeDatabase ? undefined : picked;
				}
			}

			const database = tui.config.environments.find(candidate => candidate.name === environment)?.database ?? environment;
			let name: string | undefined;
			if (options.askName) {
				const answer = await prompter.text({key: 'name', message: 'Name of the backup (the archive name starts with it):', default: database, validate: value => nameProblem(database, value)});
				name = answer === database ? undefined : answer;
			}

			const locations = configuredLocations(tui.config);
			let store: StoreLocation | undefined;
			if (locations.length > 1) {
				store = await prompter.select<StoreLocation>({key: 'to', message: 'Write the backup to which store?', choices: locations.map(value => ({value})), default: locations[0]});
			}

			return backup({config: tui.config, environment, name, querySet, store, prompter, events, signal});
		},
		summary: backupSummary,
		onSettled: reload,
	});
}

function nameProblem(database: string, value: string): string | undefined {
	try {
		backupBaseName(database, value.trim());
		return undefined;
	} catch (error) {
		return describeError(error).replace(/^--name "[^"]*": /, '');
	}
}

/** What a copy already knows; the rest is asked in selects. */
export type CopyOptions = {
	from?: string | undefined;
	to?: string | undefined;
	querySet?: string | undefined;
};

/** A copy from one environment into another as a job: asks source and target as needed; the core confirms (the typed name when protected). */
export function copyInto(tui: TuiServices, options: CopyOptions, reload?: () => void): void {
	if (tui.config.environments.length < 2) {
		tui.toast('Only one environment is configured: there is nowhere to copy into', 'error');
		return;
	}

	const what = options.querySet ? `QuerySet ${options.querySet}` : 'database';
	tui.startJob({
		title: options.from ? `Copy ${options.from}${options.querySet ? ` (${options.querySet})` : ''}` : `Copy ${what}`,
		async run({events, signal, prompter}) {
			const from = options.from ?? (await pickEnvironment(prompter, tui, `Copy ${options.querySet ? `what ${options.querySet} picks` : 'the database'} from which environment?`));
			const to = options.to ?? (await pickEnvironment(prompter, tui, `Copy ${from}${options.querySet ? ` (${options.querySet})` : ''} into which environment?`, from));
			const result = await copyDatabase({config: tui.config, from, to, querySet: options.querySet, yes: false, prompter, events, signal});
			showCopyResult(tui, result);
			return result;
		},
		summary: copySummary,
		onSettled: reload,
	});
}

/** The result message of a copy. */
export function showCopyResult(tui: TuiServices, result: CopyResult): void {
	const from = `${result.from} (database ${result.sourceDatabase})${result.querySet ? `, QuerySet ${result.querySet.name} ${JSON.stringify(result.querySet.answers)}` : ''}`;
	tui.showModal({title: `Copied ${result.from}${result.querySet ? ` (${result.querySet.name})` : ''} into ${result.to}`, tone: 'info', lines: loadResultLines(result, `${result.to} (database ${result.database})`, from)});
}
