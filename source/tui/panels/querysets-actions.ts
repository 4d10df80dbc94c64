import type {BackupResult} from '../../core/backups/backup.js';
import type {CopyResult} from '../../core/backups/copy.js';
import type {QuerySetListing} from '../../core/querysets/list.js';
import type {TuiServices} from '../context.js';
import {backupSummary, copySummary} from '../state/backup-rows.js';
import {backupLine, copyLine} from '../jobs/command-line.js';
import {showCopyResult} from '../jobs/copy-job.js';
import {pickEnvironment} from '../jobs/pick-environment.js';

/** What a QuerySet job made: a backup or a copy. */
export type QuerySetOutcome = {kind: 'backup'; result: BackupResult} | {kind: 'copy'; result: CopyResult};

/**
 * Enter on a QuerySet: as one job, choose a backup or a copy into an
 * environment (and the environments), answer the QuerySet's own questions in
 * forms, confirm, run. Esc on any question cancels the whole job before
 * anything is written.
 */
export function runQuerySetJob(tui: TuiServices, querySet: QuerySetListing, reload?: () => void): void {
	const {name} = querySet;
	tui.startJob({
		title: `QuerySet ${name}`,
		async run({events, signal, prompter, setCommand}): Promise<QuerySetOutcome> {
			const choices = [{value: 'backup', label: 'back up what it picks into a backup'}];
			if (tui.config.environments.length > 1) choices.push({value: 'copy', label: 'copy what it picks into another environment'});
			const kind = await prompter.select({key: 'action', message: `Run ${name} into…`, choices, default: 'backup'});
			const from = await pickEnvironment(prompter, tui, kind === 'copy' ? `Copy what ${name} picks from which environment?` : `Back up what ${name} picks from which environment?`);
			if (kind === 'copy') {
				const to = await pickEnvironment(prompter, tui, `Copy what ${name} picks from ${from} into which environment?`, from);
				setCommand(copyLine({from, to, querySet: name}));
				const {copyDatabase} = await import('../../core/backups/copy.js');
				const result = await copyDatabase({config: tui.config, from, to, querySet: name, yes: false, prompter, events, signal});
				setCommand(copyLine({from, to, querySet: name, answers: result.querySet?.answers}));
				showCopyResult(tui, result);
				return {kind, result};
			}

			setCommand(backupLine({environment: from, querySet: name}));
			const {backup} = await import('../../core/backups/backup.js');
			const result = await backup({config: tui.config, environment: from, querySet: name, prompter, events, signal});
			setCommand(backupLine({environment: from, querySet: name, answers: result.manifest.querySet?.answers}));
			return {kind: 'backup', result};
		},
		summary: outcome => (outcome.kind === 'backup' ? backupSummary(outcome.result) : copySummary(outcome.result)),
		onSettled: reload,
	});
}
