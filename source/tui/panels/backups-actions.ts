import type {BackupEntry} from '../../core/backups/catalogue.js';
import {restore} from '../../core/backups/restore.js';
import type {TuiServices} from '../context.js';
import {pickEnvironment} from '../jobs/pick-environment.js';
import {loadResultLines, restoreSummary, shortName} from '../state/backup-rows.js';

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
