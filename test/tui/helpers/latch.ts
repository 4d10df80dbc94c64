import {randomBytes} from 'node:crypto';
import {rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import type {ExecutionContext} from 'ava';

/**
 * A latch a test's migration waits at: the job stops at a known point (and
 * the screen shows it running) until the test opens the latch, however fast
 * or loaded the machine. It is a file, so it works in the TUI under
 * ink-testing-library and in the built `monarch` in a terminal alike.
 */
export type Latch = {
	/** Code for a migration's `run()` body that waits until the latch is open. */
	wait: string;
	/** Opens the latch for good: every wait goes on, now and later. */
	open: () => Promise<void>;
};

export function createLatch(t: ExecutionContext): Latch {
	const file = path.join(tmpdir(), `monarch-latch-${randomBytes(6).toString('hex')}`);
	t.teardown(async () => rm(file, {force: true}));
	return {
		// Polls a condition (the file exists); the test's own timeout bounds it.
		wait: `\t\tconst {existsSync} = await import('node:fs');
\t\twhile (!existsSync(${JSON.stringify(file)})) await new Promise(resolve => setTimeout(resolve, 20));`,
		async open() {
			await writeFile(file, 'open');
		},
	};
}
