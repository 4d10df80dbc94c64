import type {CopyResult} from '../../core/backups/copy.js';
import type {TuiServices} from '../context.js';
import {copySummary, loadResultLines} from '../state/backup-rows.js';
import {copyLine} from './command-line.js';
import {askScrub} from './ask-scrub.js';
import {pickEnvironment} from './pick-environment.js';

/* The one copy job: the Environments panel (`y`), the QuerySets panel (enter, then copy) and the `:` palette (`copy_db`) start it. */

/** What a copy already knows; the rest is asked in selects. */
export type CopyOptions = {
	from?: string | undefined;
	to?: string | undefined;
	querySet?: string | undefined;
};

/**
 * A copy from one environment into another (or of what a QuerySet picks) as a
 * job: asks source and target as needed, then whether to scrub (askScrub:
 * required when the source holds personal data and the target is not
 * protected, as --scrub / --no-scrub on the command line); the core then asks
 * the QuerySet's questions and confirms (the typed name when protected).
 */
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
			const to = options.to ?? (await pickEnvironment(prompter, tui, options.querySet ? `Copy what ${options.querySet} picks from ${from} into which environment?` : `Copy ${from} into which environment?`, from));
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
function showCopyResult(tui: TuiServices, result: CopyResult): void {
	const from = `${result.from} (database ${result.sourceDatabase})${result.querySet ? `, QuerySet ${result.querySet.name} ${JSON.stringify(result.querySet.answers)}` : ''}`;
	tui.showModal({title: `Copied ${result.from}${result.querySet ? ` (${result.querySet.name})` : ''} into ${result.to}`, tone: 'info', lines: loadResultLines(result, `${result.to} (database ${result.database})`, from)});
}
