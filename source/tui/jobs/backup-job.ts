import {backupBaseName} from '../../core/backups/index.js';
import {describeError} from '../../core/errors.js';
import {configuredLocations, type StoreLocation} from '../../core/storage/index.js';
import type {SubsetRequest} from '../../core/subset/index.js';
import type {TuiServices} from '../context.js';
import {backupSummary} from '../state/backup-rows.js';
import {askScrubBackup} from './ask-scrub.js';
import {askSubset} from './ask-subset.js';
import {backupLine} from './command-line.js';
import {pickEnvironment} from './pick-environment.js';
import {pickQuerySet} from './pick-query-set.js';

/* The one backup job: the Environments panel (`b`), the Backups panel (`n`), the QuerySets panel (enter, then back up) and the `:` palette (`backup`) start it. */

/** What a new backup already knows; the rest is asked in forms. */
export type NewBackupOptions = {
	environment?: string | undefined;
	/** A QuerySet name, or null for the whole database without asking. */
	querySet?: string | null | undefined;
	/** Ask for the archive's name (the database's name by default). */
	askName?: boolean;
	/** A subset given up front (the palette's `--subset`); otherwise offered by askSubset when monarch.json has references and no QuerySet was picked. */
	subset?: SubsetRequest | undefined;
};

/**
 * A backup as a job: asks the environment, a QuerySet, the name and the store
 * as needed, whether to scrub (askScrubBackup: offered when monarch.json has
 * scrub rules), then the core asks the QuerySet's own questions.
 */
export function newBackup(tui: TuiServices, options: NewBackupOptions, reload?: () => void): void {
	const named = typeof options.querySet === 'string' ? options.querySet : undefined;
	tui.startJob({
		title: options.environment
			? `Back up ${options.environment}${named ? ` (${named})` : ''}`
			: named
				? `Back up QuerySet ${named}`
				: 'New backup',
		command:
			options.environment !== undefined && options.querySet === null && !options.askName
				? backupLine({environment: options.environment, subset: options.subset})
				: undefined,
		async run({events, signal, prompter, setCommand}) {
			const environment =
				options.environment ??
				(await pickEnvironment(
					prompter,
					tui,
					named ? `Back up what ${named} picks from which environment?` : 'Back up which environment?',
				));
			const querySet =
				options.querySet === undefined
					? await pickQuerySet(prompter, tui, `Back up all of ${environment}, or only what a QuerySet picks?`)
					: (options.querySet ?? undefined);

			const subset =
				options.subset ?? (querySet ? undefined : await askSubset(prompter, tui, {from: environment, verb: 'Back up', events, signal}));
			const database = tui.config.environments.find(candidate => candidate.name === environment)?.database ?? environment;
			let name: string | undefined;
			if (options.askName) {
				const answer = await prompter.text({
					key: 'name',
					message: 'Name of the backup (the archive name starts with it):',
					default: database,
					validate: value => nameProblem(database, value),
				});
				name = answer === database ? undefined : answer;
			}

			const locations = configuredLocations(tui.config);
			let store: StoreLocation | undefined;
			if (locations.length > 1) {
				store = await prompter.select<StoreLocation>({
					key: 'to',
					message: 'Write the backup to which store?',
					choices: locations.map(value => ({value})),
					default: locations[0],
				});
			}

			const scrub = await askScrubBackup(prompter, tui, environment);
			setCommand(backupLine({environment, querySet, name, store, scrub, subset}));
			const {backup} = await import('../../core/backups/index.js');
			const result = await backup({config: tui.config, environment, name, querySet, store, scrub, subset, prompter, events, signal});
			if (result.manifest.querySet)
				setCommand(backupLine({environment, querySet, answers: result.manifest.querySet.answers, name, store, scrub, subset}));
			return result;
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
