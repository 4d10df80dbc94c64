/**
 * How a test recognises that the screen shows an error, so its waits fail at
 * once instead of waiting out their timeout. Only the app's error screens
 * count, recognised by where they sit, not by the word "error" anywhere (a row
 * of data, a failed migration in a list, a rehearsal's verdict or a job's log
 * may say "error" or "Failed" and are no error of the screen):
 *
 * - the error modal (components/modal.tsx, tone 'error'): its title row, right
 *   under the frame's top border `╭──╮`, reads `Failed: <job>` (app.tsx, a job
 *   that failed) or `Cannot …` (querysets-actions.ts, migration-actions.ts);
 * - an error toast (app.tsx's toast row, the line right above the status bar
 *   `● connected …`): the texts the app toasts with tone 'error', `Cannot …`
 *   (backups-actions.ts, unlock-job.ts), `Only one environment is configured`
 *   (copy-job.ts), `… has no file left to run` (use-migrations-keys.ts);
 * - Ink's crash screen (a render threw): its first line ` ERROR  <message>`;
 * - in a terminal, `EXIT=<status>`, which the tmux pane prints once monarch has
 *   exited: nothing on that screen will change again.
 *
 * A modal with tone 'error' whose title is a migration's key (enter on a failed
 * migration: details the user asked for) is no error of the screen.
 */

const modalTop = /^\s*╭─+╮\s*$/;
// The title, less the scroll position a long modal shows after it (` 1-8/32 ↓/j`, which j/k change).
const modalErrorTitle = /^\s*│ ((?:Failed: |Cannot ).*?)(?: \d+-\d+\/\d+ ↓\/j)?\s*│?\s*$/;
const statusBar = /● (?:checking…|unreachable|connected \d+ ms|half-swapped: )|^no environment selected/;
const errorToast = /^(?:Cannot |Only one environment is configured)|\S has no file left to run/;
const inkCrash = /^ {1,2}ERROR {2}\S/;
const exited = /^EXIT=\d+$/m;

/** The errors `screen` shows, one short description each (`error modal "Failed: Migrate development"`); empty when it shows none. */
export function shownErrors(screen: string): string[] {
	const lines = screen.split('\n');
	const errors: string[] = [];
	const first = lines.find(line => line.trim() !== '');
	if (first !== undefined && inkCrash.test(first)) errors.push(`Ink's crash screen "${first.trim()}"`);
	for (const [index, line] of lines.entries()) {
		const title = index > 0 && modalTop.test(lines[index - 1]!) ? modalErrorTitle.exec(line)?.[1] : undefined;
		if (title !== undefined) errors.push(`error modal "${title}"`);
	}

	const statusRow = lines.findLastIndex(line => statusBar.test(line));
	const toast = statusRow > 0 ? lines[statusRow - 1]!.trimEnd() : '';
	if (errorToast.test(toast)) errors.push(`error toast "${toast}"`);
	const exit = exited.exec(screen)?.[0];
	if (exit !== undefined) errors.push(`monarch exited (${exit}): the screen will not change`);
	return errors;
}

/** How long a wait may take and whether it expects an error screen; a number is the timeout. */
export type WaitOptions =
	| number
	| {
			/** The last resort: how long the wait may take when no error shows (60 s). */
			timeoutMs?: number;
			/** The test expects an error screen on the way: the wait passes every error by (see error-screen.ts). */
			allowError?: boolean;
	  };

/** What a wait does about error screens. */
export type ErrorWatch = {
	/**
	 * The errors a wait passes by: those the frame the last wait returned
	 * showed (the test waited for them, or saw them with what it waited for),
	 * each only as long as it stays on the screen.
	 */
	known: Set<string>;
};

/**
 * The error `screen` shows that the wait should fail on, or undefined; forgets
 * the known errors the screen no longer shows (one that comes back is new).
 * `allowError` (the test expects an error screen) passes every error by.
 */
export function newError(watch: ErrorWatch, screen: string, allowError: boolean): string | undefined {
	const errors = shownErrors(screen);
	for (const error of watch.known) if (!errors.includes(error)) watch.known.delete(error);
	return allowError ? undefined : errors.find(error => !watch.known.has(error));
}

/** Notes the errors of the frame a wait returns: the test has them in hand, later waits pass them by. */
export function returned(watch: ErrorWatch, screen: string): void {
	watch.known = new Set(shownErrors(screen));
}
