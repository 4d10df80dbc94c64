import {setTimeout as delay} from 'node:timers/promises';

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
	ctrlC: '\u0003',
};

/** Waits until the last frame satisfies `predicate` (a wait, not a timing assertion); fails naming what it waited for. */
export async function waitForFrame(lastFrame: () => string | undefined, predicate: (frame: string) => boolean, what: string, timeoutMs = 60_000): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const frame = lastFrame() ?? '';
		if (predicate(frame)) return frame;
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}. Last frame:\n${frame}`);
		await delay(20);
	}
}

/** Waits until the frame contains `text`. */
export async function waitForText(lastFrame: () => string | undefined, text: string | RegExp, timeoutMs?: number): Promise<string> {
	return waitForFrame(lastFrame, frame => (typeof text === 'string' ? frame.includes(text) : text.test(frame)), JSON.stringify(String(text)), timeoutMs);
}

/** What the key helpers need from an ink-testing-library instance. */
export type KeyTarget = {stdin: {write: (data: string) => void; listenerCount: (event: string) => number}; lastFrame: () => string | undefined};

/**
 * Writes one key as a person types it: once Ink listens to the input (it
 * subscribes in an effect, after the first frame), then waits for the frame to
 * change (or a short while for keys that change nothing) and for Ink to take the
 * new handlers, so the next key is not read by the previous frame's handler.
 */
export async function press(target: KeyTarget, key: string): Promise<void> {
	const ready = Date.now() + 5000;
	while (target.stdin.listenerCount('readable') === 0 && Date.now() < ready) await delay(10);
	const before = target.lastFrame();
	target.stdin.write(key);
	const deadline = Date.now() + 1000;
	while (target.lastFrame() === before && Date.now() < deadline) await delay(10);
	await delay(100);
}

/** Types text one character at a time. */
export async function type(target: KeyTarget, text: string): Promise<void> {
	for (const character of text) await press(target, character);
}

/**
 * Presses a key once the app has settled: Ink attaches a frame's key handlers
 * after drawing it, so a key sent the moment a frame shows can reach the
 * previous frame's handler (which may not know a list's new length yet).
 */
export async function pressKey(target: KeyTarget, key: string): Promise<void> {
	await delay(150);
	await press(target, key);
}
