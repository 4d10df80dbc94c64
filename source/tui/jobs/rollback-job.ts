import {counted} from '../../core/plural.js';
import type {RollbackResult} from '../../core/restore/index.js';
import type {TuiServices} from '../context.js';
import {loadResultLines} from '../state/backup-rows.js';
import {rollbackLine} from './command-line.js';

/* Started by the Migrations panel's `u` (and the `:` palette's `rollback <env>`): panels import jobs from source/tui/jobs/. */

/**
 * `u`: rolls `environment` back to its latest safety backup taken before a
 * migrate, as a job. The core says what that undoes (the migrations run since,
 * when the backup was taken, that every write since is lost) in the job's log
 * and with its confirmation (the typed name when protected). No safety backup:
 * the job fails with the core's one-line refusal and its hint, nothing changed.
 */
export function rollbackJob(tui: TuiServices, environment: string, reload?: () => void): boolean {
	// The core's rollback module, loaded when the job runs (it brings the restore path); the summary reads it once the job has succeeded.
	let core: typeof import('../../core/restore/index.js') | undefined;
	return tui.startJob({
		title: `Roll back ${environment}`,
		command: rollbackLine(environment),
		async run({events, signal, prompter}) {
			core = await import('../../core/restore/index.js');
			const result = await core.rollback({config: tui.config, environment, yes: false, prompter, events, signal});
			tui.showModal({title: `Rolled back ${result.environment}`, tone: 'info', lines: rolledBackLines(result)});
			return result;
		},
		summary: result => core?.describeRollback(result)[0] ?? '',
		onSettled: reload,
	});
}

/** What the rollback undid and restored, a fact a line (as a restore's result reads). */
function rolledBackLines(result: RollbackResult): string[] {
	const lines = [
		`undone      ${counted(result.undone.length, 'migration')}${result.undone.length > 0 ? `: ${result.undone.join(', ')}` : ''}`,
		`taken       ${result.takenAt.slice(0, 19).replace('T', ' ')} UTC (the backup; writes since are gone)`,
		...loadResultLines(result, `${result.environment} (database ${result.database})`, `${result.store}${result.archive}`),
	];
	if (result.safetyBackup) lines.push(`undo with   monarch restore ${result.safetyBackup.archive}:${result.environment}`);
	return lines;
}
