import type {CopyResult} from '../../core/backups/copy.js';
import type {TuiServices} from '../context.js';
import {copySummary, loadResultLines} from '../state/backup-rows.js';
import {copyLine} from './command-line.js';
import {askScrub} from './ask-scrub.js';
import {pickEnvironment} from './pick-environment.js';

/* Shared by the Environments and QuerySets panels: panels import jobs from source/tui/jobs/, never from each other's action files. */

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
		command: options.from !== undefined && options.to !== undefined ? copyLine({from: options.from, to: options.to, querySet: options.querySet}) : undefined,
		async run({events, signal, prompter, setCommand}) {
			const from = options.from ?? (await pickEnvironment(prompter, tui, `Copy ${options.querySet ? `what ${options.querySet} picks` : 'the database'} from which environment?`));
			const to = options.to ?? (await pickEnvironment(prompter, tui, `Copy ${from}${options.querySet ? ` (${options.querySet})` : ''} into which environment?`, from));
			const personalData = tui.config.environments.find(environment => environment.name === from)?.personalData ?? false;
			const scrub = await askScrub(prompter, tui, {what: `the copy of ${from}`, personalData, target: to});
			setCommand(copyLine({from, to, querySet: options.querySet, scrub}));
			const {copyDatabase} = await import('../../core/backups/copy.js');
			const result = await copyDatabase({config: tui.config, from, to, querySet: options.querySet, scrub, yes: false, prompter, events, signal});
			if (result.querySet) setCommand(copyLine({from, to, querySet: result.querySet.name, answers: result.querySet.answers, scrub}));
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
