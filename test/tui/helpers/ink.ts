import {setTimeout as delay, setImmediate as nextMacrotask} from 'node:timers/promises';
import {type ErrorWatch, newError, returned, type WaitOptions} from './error-screen.js';

export type {WaitOptions} from './error-screen.js';

/** Ink's key flags with none set: a plain character, for calling key handlers and the keymap directly. */
export const noKey = {
	upArrow: false,
	downArrow: false,
	leftArrow: false,
	rightArrow: false,
	pageDown: false,
	pageUp: false,
	home: false,
	end: false,
	return: false,
	escape: false,
	ctrl: false,
	shift: false,
	tab: false,
	backspace: false,
	delete: false,
	meta: false,
	super: false,
	hyper: false,
	capsLock: false,
	numLock: false,
};

/** Bytes a terminal sends for the keys the tests press. */
export const keys = {
	enter: '\r',
	escape: '\u001B',
	up: '\u001B[A',
	down: '\u001B[B',
	right: '\u001B[C',
	left: '\u001B[D',
	tab: '\t',
	backspace: '\u007F',
	pageUp: '\u001B[5~',
	pageDown: '\u001B[6~',
	home: '\u001B[H',
	end: '\u001B[F',
	ctrlC: '\u0003',
};

/** Polls `check` until it returns a value (a wait for a condition, not a pace); fails naming what it waited for. */
async function until<T>(check: () => T | undefined, what: () => string, timeoutMs = 60_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = check();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what()}`);
		await delay(20);
	}
}

/** What the waits on one app know about its errors, by the app's `lastFrame`. */
const watches = new WeakMap<() => string | undefined, ErrorWatch>();

/**
 * Waits until the last frame satisfies `predicate`. Fails as soon as the frame
 * shows an error screen (error-screen.ts) the test has not seen yet (one the
 * frame the last wait returned showed is passed by while it stays), unless
 * `allowError`; else after the timeout. Either way the failure names what it
 * waited for and shows the whole frame.
 */
export async function waitForFrame(
	lastFrame: () => string | undefined,
	predicate: (frame: string) => boolean,
	what: string,
	options: WaitOptions = {},
): Promise<string> {
	const {timeoutMs = 60_000, allowError = false} = typeof options === 'number' ? {timeoutMs: options} : options;
	const watch = watches.get(lastFrame) ?? {known: new Set<string>()};
	watches.set(lastFrame, watch);
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const frame = lastFrame() ?? '';
		if (predicate(frame)) {
			returned(watch, frame);
			return frame;
		}

		const error = newError(watch, frame, allowError);
		if (error !== undefined) throw new Error(`The screen shows an error (${error}) while waiting for ${what}. Frame:\n${frame}`);
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}. Last frame:\n${frame}`);
		await delay(20);
	}
}

/** Waits until the frame contains `text` (see waitForFrame: it fails at once on an error screen). */
export async function waitForText(lastFrame: () => string | undefined, text: string | RegExp, options?: WaitOptions): Promise<string> {
	return waitForFrame(
		lastFrame,
		frame => (typeof text === 'string' ? frame.includes(text) : text.test(frame)),
		JSON.stringify(String(text)),
		options,
	);
}

/** What the key helpers need from an ink-testing-library instance. */
export type KeyTarget = {
	stdin: {write: (data: string) => void; listenerCount: (event: string) => number};
	lastFrame: () => string | undefined;
};

/**
 * Sends one key as a terminal does, once Ink listens to the input (it attaches
 * its stdin listener in an effect after the first frame). Resolves once the
 * app's key handlers have run: inside `write` for most keys; a lone esc is
 * held by Ink's input parser and handed over on a setImmediate queued during
 * `write`, so press also lets the immediates queued before its own run.
 *
 * It does not wait for the frame: Ink draws the key's effect later (React
 * renders on its scheduler, after the key). Say what you wait for next
 * (`waitForText`). The app's handlers always belong to the last frame drawn
 * (useKeys), so:
 * - a key whose handling depends on what an earlier key did (opened a form,
 *   closed a view, moved focus) must wait for that frame first;
 * - after esc, wait for what it did before the next key (as in a terminal, an
 *   esc followed at once by `m` would be read as alt+m);
 * - keys that only add up (j j j, or characters typed into a text field)
 *   may follow at once: the list and the field count every one of them.
 */
export async function press(target: KeyTarget, key: string): Promise<void> {
	await until(
		() => (target.stdin.listenerCount('readable') > 0 ? true : undefined),
		() => 'Ink to listen to the input',
	);
	target.stdin.write(key);
	await nextMacrotask();
}

/** Types text one character at a time, as a person does (see press: a field takes them all without waits). */
export async function type(target: KeyTarget, text: string): Promise<void> {
	for (const character of text) await press(target, character);
}
