import type {Environment} from '../../core/environments/index.js';
import type {TuiServices} from '../context.js';
import {newBackup} from '../jobs/backup-job.js';
import {copyInto} from '../jobs/copy-job.js';
import {dropJob} from '../jobs/drop-job.js';
import type {Action} from '../keymap.js';

/**
 * What the Environments panel can do with the selected environment, by keymap
 * action. Jobs other panels start too (back up, copy into another
 * environment) come from source/tui/jobs/; each has a keymap binding in the
 * `environments` scope, so the footer and help show it and the panel calls it.
 */
export type EnvironmentAction = {
	action: Action;
	run: (environment: Environment, tui: TuiServices) => void;
};

export const environmentActions: EnvironmentAction[] = [
	{
		action: 'open-migrations',
		run(environment, tui) {
			tui.selectEnvironment(environment.name);
			tui.openPanel('migrations');
		},
	},
	{
		action: 'drop',
		run(environment, tui) {
			dropJob(tui, environment);
		},
	},
	{
		action: 'back-up',
		run(environment, tui) {
			// The whole database, under its own name, into the first configured store.
			newBackup(tui, {environment: environment.name, querySet: null});
		},
	},
	{
		action: 'privacy',
		run(environment, tui) {
			if (environment.personalData) tui.showPrivacy(environment.name);
			else
				tui.toast(
					`${environment.name} is not marked "personalData": true in ${tui.config.displayFile}: nothing of it must be classified`,
					'info',
				);
		},
	},
	{
		action: 'copy',
		run(environment, tui) {
			copyInto(tui, {from: environment.name});
		},
	},
];
