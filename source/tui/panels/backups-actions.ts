import {type BackupEntry, backupShortName} from '../../core/backups/index.js';
import type {TuiServices} from '../context.js';
import {restoreInto} from '../jobs/restore-job.js';

/** Enter on a backup: an incomplete one is refused in a toast; a complete one is restored (restoreInto: pick the target, confirm, restore as a job). */
export function restoreBackup(tui: TuiServices, entry: BackupEntry, reload: () => void): void {
	if (entry.state !== 'complete') {
		tui.toast(`Cannot restore ${backupShortName(entry.archive)}: incomplete (${entry.problem ?? 'unknown problem'})`, 'error');
		return;
	}

	restoreInto(
		tui,
		{backup: entry.archive, from: entry.location, source: entry.environment, personalData: entry.manifest?.personalData},
		reload,
	);
}
