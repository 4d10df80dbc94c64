import type {Environment} from '../../core/environments/index.js';
import {counted} from '../../core/plural.js';
import type {TuiServices} from '../context.js';
import {dropLine} from './command-line.js';

/* Started by the Environments panel (`d`) and the `:` palette: one function per job, whoever starts it. */

/** Drops the environment's database as a job; the core asks (yes/no, or the typed name on a protected environment). */
export function dropJob(tui: TuiServices, environment: Environment, reload?: () => void): void {
	tui.startJob({
		title: `Drop database ${environment.database} (${environment.name})`,
		command: dropLine(environment.name),
		async run({events, signal, prompter}) {
			const {dropDatabase} = await import('../../core/environments/index.js');
			return dropDatabase({config: tui.config, environment: environment.name, prompter, events, signal});
		},
		summary: result => `Dropped ${result.database} on ${result.environment} (${counted(result.collections, 'collection')})`,
		onSettled: reload,
	});
}
