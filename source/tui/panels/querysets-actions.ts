import {describeError, isMonarchError} from '../../core/errors.js';
import type {QuerySetListing} from '../../core/querysets/index.js';
import type {TuiServices} from '../context.js';
import {newBackup} from '../jobs/backup-job.js';
import {copyInto} from '../jobs/copy-job.js';

/**
 * Enter on a QuerySet: asks, in a form, whether to back up what it picks or
 * to copy it into another environment, then starts that operation's one job
 * (newBackup, copyInto: the very functions the Environments and Backups
 * panels and the `:` palette start), which asks the environments, whether to
 * scrub (required for a copy of personal data into an unprotected
 * environment), the QuerySet's own questions, and confirms. Esc on the first
 * question starts nothing; esc on any later one cancels the job before
 * anything is written.
 */
export async function runQuerySet(tui: TuiServices, querySet: QuerySetListing, reload?: () => void): Promise<void> {
	const {name} = querySet;
	const choices = [{value: 'backup', label: 'back up what it picks into a backup'}];
	if (tui.config.environments.length > 1) choices.push({value: 'copy', label: 'copy what it picks into another environment'});
	let kind: string;
	try {
		kind = await tui.prompter.select({key: 'action', message: `Run ${name} into…`, choices, default: 'backup'});
	} catch (error) {
		if (!(isMonarchError(error) && error.code === 'cancelled'))
			tui.showModal({title: `Cannot run ${name}`, tone: 'error', lines: [describeError(error)]});
		return;
	}

	if (kind === 'copy') copyInto(tui, {querySet: name}, reload);
	else newBackup(tui, {querySet: name}, reload);
}
