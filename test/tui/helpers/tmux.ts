import {execFile} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {rm} from 'node:fs/promises';
import path from 'node:path';
import {setTimeout as delay} from 'node:timers/promises';
import {promisify} from 'node:util';
import type {ExecutionContext} from 'ava';
import {monarchBin} from '../../helpers/project.js';
import {type ErrorWatch, newError, returned, type WaitOptions} from './error-screen.js';

const run = promisify(execFile);

/** A real pseudo-terminal (a tmux pane on a private tmux server) running the built `monarch`. */
export type Terminal = {
	/** The pane's text as a person sees it. */
	screen: () => Promise<string>;
	/**
	 * Sends one key (tmux key name such as `Enter`, `Escape`, `Down`, `C-c`, or
	 * one character) and returns: it does not wait for the screen. Say what you
	 * wait for next (`waitFor`). The app's handlers always belong to the last
	 * frame it drew, and keys that reach it together are split into keys again,
	 * so keys that only add up (characters typed into a field, then enter) may
	 * follow at once; a key whose handling depends on what an earlier key did
	 * (opened a form, closed a view) must wait for that screen first, and so
	 * must any key after `Escape` (an esc followed at once by `m` reads as alt+m,
	 * in any terminal).
	 */
	press: (key: string) => Promise<void>;
	/** Types text one character at a time (see press: no wait is needed between them). */
	type: (text: string) => Promise<void>;
	/**
	 * Waits until the screen shows `text` (or satisfies it); fails at once when
	 * the screen shows an error it has not returned before (error-screen.ts),
	 * unless `allowError`, and otherwise after the timeout (60 s), with the screen.
	 */
	waitFor: (text: string | RegExp | ((screen: string) => boolean), options?: WaitOptions) => Promise<string>;
	resize: (columns: number, rows: number) => Promise<void>;
	/** tmux's newest paste buffer: what the app put on the clipboard with OSC 52 (`set-clipboard on`), or undefined when nothing was. */
	clipboard: () => Promise<string | undefined>;
};

const tmuxKeyNames = new Set([
	'Enter',
	'Escape',
	'Up',
	'Down',
	'Left',
	'Right',
	'Tab',
	'BSpace',
	'C-c',
	'PageUp',
	'PageDown',
	'Home',
	'End',
]);

/**
 * Starts `node dist/cli/main.js` (with `args`: a command, else the TUI) in a `columns`x`rows` tmux pane
 * in `cwd`, with CI=false so Ink draws every frame (and `now`, if given, as
 * MONARCH_NOW). When monarch exits, the pane prints `EXIT=<status>` and stays.
 */
export async function openTerminal(
	t: ExecutionContext,
	options: {cwd: string; columns?: number; rows?: number; now?: string; args?: string[]},
): Promise<Terminal> {
	const socket = `monarch-e2e-${randomBytes(4).toString('hex')}`;
	const tmux = async (...args: string[]) => (await run('tmux', ['-L', socket, '-f', '/dev/null', ...args])).stdout;
	const now = options.now === undefined ? '' : ` MONARCH_NOW='${options.now}'`;
	const args = (options.args ?? []).map(arg => ` '${arg}'`).join('');
	const command = `env CI=false MONARCH_CONNECT_TIMEOUT_MS=3000${now} '${process.execPath}' '${monarchBin}'${args}; echo EXIT=$?; sleep 600`;
	// set-clipboard on: what the pane sends as OSC 52 becomes a tmux paste buffer (see clipboard()).
	await tmux(
		'start-server',
		';',
		'set-option',
		'-s',
		'set-clipboard',
		'on',
		';',
		'new-session',
		'-d',
		'-s',
		'e2e',
		'-x',
		String(options.columns ?? 80),
		'-y',
		String(options.rows ?? 24),
		'-c',
		options.cwd,
		command,
	);
	t.teardown(async () => {
		await tmux('kill-server').catch(() => {});
		// tmux leaves its socket file behind.
		await rm(path.join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, socket), {force: true});
	});

	const screen = async () => (await tmux('capture-pane', '-p', '-t', 'e2e')).replace(/\n$/, '');
	// What the waits know about the errors (see error-screen.ts): those on the screen the last wait returned.
	const watch: ErrorWatch = {known: new Set()};
	const waitFor = async (text: string | RegExp | ((screen: string) => boolean), options: WaitOptions = {}) => {
		const {timeoutMs = 60_000, allowError = false} = typeof options === 'number' ? {timeoutMs: options} : options;
		// Polls the screen for a condition; fails at once on an error screen; the timeout bounds a failure, it is not a pace.
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const shown = await screen();
			if (typeof text === 'string' ? shown.includes(text) : typeof text === 'function' ? text(shown) : text.test(shown)) {
				returned(watch, shown);
				return shown;
			}

			const error = newError(watch, shown, allowError);
			if (error !== undefined) throw new Error(`The terminal shows an error (${error}) while waiting for ${String(text)}:\n${shown}`);
			if (Date.now() > deadline) throw new Error(`Timed out waiting for ${String(text)} on the terminal:\n${shown}`);
			await delay(50);
		}
	};

	const press = async (key: string) => {
		if (tmuxKeyNames.has(key)) await tmux('send-keys', '-t', 'e2e', key);
		else await tmux('send-keys', '-t', 'e2e', '-l', key);
	};

	return {
		screen,
		press,
		async type(text) {
			for (const character of text) await press(character);
		},
		waitFor,
		async resize(columns, rows) {
			await tmux('resize-window', '-t', 'e2e', '-x', String(columns), '-y', String(rows));
		},
		async clipboard() {
			return tmux('show-buffer').catch(() => undefined);
		},
	};
}
