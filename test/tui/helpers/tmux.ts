import {execFile} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {rm} from 'node:fs/promises';
import path from 'node:path';
import {setTimeout as delay} from 'node:timers/promises';
import {promisify} from 'node:util';
import type {ExecutionContext} from 'ava';
import {monarchBin} from '../../helpers/project.js';

const run = promisify(execFile);

/** A real pseudo-terminal (a tmux pane on a private tmux server) running the built `monarch`. */
export type Terminal = {
	/** The pane's text as a person sees it. */
	screen: () => Promise<string>;
	/** Sends one key (tmux key name such as `Enter`, `Escape`, `Down`, `C-c`, or one character) and waits for the screen to change. */
	press: (key: string) => Promise<string>;
	/** Types text one character at a time, waiting for each to show. */
	type: (text: string) => Promise<void>;
	waitFor: (text: string | RegExp | ((screen: string) => boolean), timeoutMs?: number) => Promise<string>;
	resize: (columns: number, rows: number) => Promise<void>;
};

const tmuxKeyNames = new Set(['Enter', 'Escape', 'Up', 'Down', 'Left', 'Right', 'Tab', 'BSpace', 'C-c']);

/**
 * Starts `node dist/cli/main.js` (no arguments) in a `columns`x`rows` tmux pane
 * in `cwd`, with CI=false so Ink draws every frame. When monarch exits, the
 * pane prints `EXIT=<status>` and stays.
 */
export async function openTerminal(t: ExecutionContext, options: {cwd: string; columns?: number; rows?: number}): Promise<Terminal> {
	const socket = `monarch-e2e-${randomBytes(4).toString('hex')}`;
	const tmux = async (...args: string[]) => (await run('tmux', ['-L', socket, '-f', '/dev/null', ...args])).stdout;
	const command = `env CI=false MONARCH_CONNECT_TIMEOUT_MS=3000 '${process.execPath}' '${monarchBin}'; echo EXIT=$?; sleep 600`;
	await tmux('new-session', '-d', '-s', 'e2e', '-x', String(options.columns ?? 80), '-y', String(options.rows ?? 24), '-c', options.cwd, command);
	t.teardown(async () => {
		await tmux('kill-server').catch(() => {});
		// tmux leaves its socket file behind.
		await rm(path.join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, socket), {force: true});
	});

	const screen = async () => (await tmux('capture-pane', '-p', '-t', 'e2e')).replace(/\n$/, '');
	const waitFor = async (text: string | RegExp | ((screen: string) => boolean), timeoutMs = 60_000) => {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const shown = await screen();
			if (typeof text === 'string' ? shown.includes(text) : typeof text === 'function' ? text(shown) : text.test(shown)) return shown;
			if (Date.now() > deadline) throw new Error(`Timed out waiting for ${String(text)} on the terminal:\n${shown}`);
			await delay(50);
		}
	};

	const press = async (key: string) => {
		const before = await screen();
		if (tmuxKeyNames.has(key)) await tmux('send-keys', '-t', 'e2e', key);
		else await tmux('send-keys', '-t', 'e2e', '-l', key);
		// Wait for the screen to change (some keys change nothing: then go on after a short while).
		const deadline = Date.now() + 1500;
		for (;;) {
			const after = await screen();
			if (after !== before || Date.now() > deadline) {
				// The new screen's key handlers attach in an effect after it is drawn: give them a moment.
				await delay(150);
				return after;
			}

			await delay(30);
		}
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
	};
}
