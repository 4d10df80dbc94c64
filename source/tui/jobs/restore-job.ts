import {backupShortName} from '../../core/backups/index.js';
import {configuredLocations, type StoreLocation} from '../../core/storage/index.js';
import type {TuiServices} from '../context.js';
import {loadResultLines, restoreSummary} from '../state/backup-rows.js';
import {askScrub} from './ask-scrub.js';
import {restoreLine} from './command-line.js';
import {pickEnvironment} from './pick-environment.js';

/* Started by the Backups panel (enter on a backup) and the `:` palette: one function per job, whoever starts it. */

/** What a restore already knows; the target environment is asked in a select when not given. */
export type RestoreOptions = {
	/** The archive's object name (`shop__2026_11_23.archive.gz`). */
	backup: string;
	/** The store it is in. */
	from: StoreLocation;
	/** The environment it was taken of, for the question. */
	source?: string | null | undefined;
	/** Its manifest says it holds personal data (taken of a personalData environment without --scrub). */
	personalData?: boolean | undefined;
	environment?: string | undefined;
};

/** Restores a complete backup into an environment as a job: picks the target when not given; the core confirms (the typed name when protected). */
export function restoreInto(tui: TuiServices, options: RestoreOptions, reload?: () => void): void {
	const name = backupShortName(options.backup);
	// `--from` only matters when a name could be in two stores.
	const from = configuredLocations(tui.config).length > 1 ? options.from : undefined;
	tui.startJob({
		title: `Restore ${name}`,
		command: options.environment === undefined ? undefined : restoreLine({backup: options.backup, environment: options.environment, from}),
		async run({events, signal, prompter, setCommand}) {
			const environment =
				options.environment ??
				(await pickEnvironment(prompter, tui, `Restore ${name} (from ${options.source ?? '?'}) into which environment?`));
			const scrub = await askScrub(prompter, tui, {
				what: `backup ${name}`,
				personalData: options.personalData ?? false,
				target: environment,
			});
			setCommand(restoreLine({backup: options.backup, environment, from, scrub}));
			const {restore} = await import('../../core/restore/index.js');
			const result = await restore({
				config: tui.config,
				backup: options.backup,
				from: options.from,
				environment,
				scrub,
				yes: false,
				prompter,
				events,
				signal,
			});
			tui.showModal({
				title: `Restored ${backupShortName(result.archive)} into ${result.environment}`,
				tone: 'info',
				lines: loadResultLines(result, `${result.environment} (database ${result.database})`, `${result.store}${result.archive}`),
			});
			return result;
		},
		summary: restoreSummary,
		onSettled: reload,
	});
}
