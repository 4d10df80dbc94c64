import {setTimeout as sleep} from 'node:timers/promises';

/** Polls `condition` until it holds: a wait for a signal, bounded by a generous failure timeout (never a pace). */
export async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
	const deadline = performance.now() + timeoutMs;
	while (!(await condition())) {
		if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await sleep(20);
	}
}
