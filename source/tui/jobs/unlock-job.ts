import type {UnlockResult} from '../../core/environments/index.js';
import {describeError} from '../../core/errors.js';
import {formatTime} from '../components/text.js';
import type {TuiServices} from '../context.js';
import {unlockLine} from './command-line.js';

/* Started by the Migrations panel's `U` (and the `:` palette's `unlock <env>`): panels import jobs from source/tui/jobs/. */

/**
 * `U`: removes `environment`'s migrations lock as a job, once the user saw its
 * holder and said yes (the typed name when protected). A lease still being
 * renewed is refused with the core's message unless the user then chooses to
 * force it (a second question, default no). No lock: a toast, no job.
 */
export async function unlockJob(tui: TuiServices, environment: string, reload?: () => void): Promise<void> {
	// The core's unlock module (the driver's side of it) loads on the first `U`, not with the TUI.
	const {describeHolder, describeUnlock, findLock, unlock, unlockReasons} = await import('../../core/environments/index.js');
	try {
		if (!(await findLock({config: tui.config, environment}))) {
			tui.toast(`no lock held on ${environment}`);
			return;
		}
	} catch (error) {
		tui.toast(`Cannot read the lock of ${environment}: ${describeError(error)}`, 'error');
		return;
	}

	tui.startJob({
		title: `Unlock ${environment}`,
		command: unlockLine(environment, false),
		async run({events, prompter, setCommand}) {
			const result = await unlock({config: tui.config, environment, force: 'ask', prompter, events});
			if (result.reason === 'forced') setCommand(unlockLine(environment, true));
			if (result.removed)
				tui.showModal({
					title: `Unlocked ${result.environment}`,
					tone: 'info',
					lines: unlockedLines(result, describeHolder(result.removed), unlockReasons),
				});
			return result;
		},
		summary: describeUnlock,
		onSettled: reload,
	});
}

/** The removed lock, a fact a line, to read at 80 columns (times as the panel header shows them). */
function unlockedLines(
	result: UnlockResult,
	holder: string,
	reasons: Record<NonNullable<UnlockResult['reason']>, string>,
	now = new Date(),
): string[] {
	const lock = result.removed!;
	return [
		`removed     the ${result.lock} lock on ${result.environment} (database ${result.database})`,
		`holder      ${holder}`,
		`since       ${formatTime(lock.acquiredAt, now)}`,
		`lease       ${lock.expiresAt.getTime() < Date.now() ? 'expired at' : 'until'} ${formatTime(lock.expiresAt, now)}`,
		`why         ${reasons[result.reason ?? 'forced']}`,
	];
}
