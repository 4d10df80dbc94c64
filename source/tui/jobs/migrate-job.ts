import type {Environment} from '../../core/environments/index.js';
import {MonarchError} from '../../core/errors.js';
import {counted} from '../../core/plural.js';
import {formatDuration} from '../../core/progress.js';
import type {TuiServices} from '../context.js';
import {migrateLine, migrateOneLine} from './command-line.js';

/* Started by the Migrations panel's keys (`m`, `o`) and the `:` palette: one function per job, whoever starts it. */

/**
 * Runs every pending migration of `environment` as a job, through the
 * rehearsal gate (a required rehearsal missing is the job's one-line
 * failure); the core asks for the name when protected, under the evidence
 * (the rehearsal found, the safety backup, the estimate). `pending`, when
 * known, sizes the overall bar.
 */
export function migratePending(tui: TuiServices, environment: Environment, pending?: number, reload?: () => void): void {
	const {name} = environment;
	tui.startJob({
		title: `Migrate ${name}`,
		command: migrateLine(environment),
		steps: pending,
		async run({events, signal, prompter}) {
			const {migrateThroughGate} = await import('../../core/rehearse/index.js');
			return migrateThroughGate({config: tui.config, environment: name, prompter, events, signal});
		},
		summary(result) {
			if (result.migrations.length === 0) return `Nothing to migrate on ${name}`;
			const total = formatDuration(result.migrations.reduce((sum, ran) => sum + (ran.durationMs ?? 0), 0));
			return `Ran ${counted(result.migrations.length, 'migration')} on ${name} in ${total}`;
		},
		onSettled: reload,
	});
}

/**
 * Runs one migration whatever its state, after a yes/no (or, when
 * protected, the typed name the core asks for). `state`, when known, is
 * named in the question.
 */
export function runOneMigration(tui: TuiServices, environment: Environment, key: string, state?: string, reload?: () => void): void {
	tui.startJob({
		title: `Run ${key} on ${environment.name}`,
		command: migrateOneLine(key, environment),
		steps: 1,
		async run({events, signal, prompter}) {
			if (!environment.protected) {
				const yes = await prompter.confirm({
					key: 'confirm',
					message: `Run ${key} on ${environment.name} whatever its state${state ? ` (${state})` : ''}?`,
					default: false,
				});
				if (!yes) throw new MonarchError('refused', `Not confirmed: run ${key} on "${environment.name}"; nothing was changed`);
			}

			const {migrateThroughGate} = await import('../../core/rehearse/index.js');
			return migrateThroughGate({config: tui.config, environment: environment.name, key, prompter, events, signal});
		},
		summary: result => `Ran ${key} on ${environment.name} in ${formatDuration(result.migrations[0]?.durationMs ?? 0)}`,
		onSettled: reload,
	});
}
