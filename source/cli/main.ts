#!/usr/bin/env node
import {fixClock} from '../core/clock.js';
import {describeError, isMonarchError, MonarchError} from '../core/errors.js';
import {redact} from '../core/redact.js';

// The AWS SDK prints a many-line notice about Node 20 on every S3 call; monarch's output stays one line per thing.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const controller = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
	interrupts += 1;
	if (interrupts > 1) process.exit(130);
	process.stderr.write('\nStopping after the current step (Ctrl+C again to quit at once)...\n');
	controller.abort();
});

const argv = process.argv.slice(2);
const verbose = argv.includes('--verbose');

// A promise nobody waited for failed: a bug of monarch's, said in one line (the stack with --verbose), never Node's crash dump.
process.on('unhandledRejection', reason => {
	process.stderr.write(`${redact(`Error: internal: ${describeError(reason)}`)}\n`);
	if (verbose && reason instanceof Error && reason.stack) process.stderr.write(`${redact(reason.stack)}\n`);
	else process.stderr.write('(run with --verbose for the stack trace)\n');
	process.exit(1);
});
/** commander, once loaded: the TUI never loads it (nor the commands), the CLI's commands do. */
let commander: typeof import('commander') | undefined;

try {
	fixClockFromEnvironment();
	if (argv.length === 0 && process.stdin.isTTY && process.stdout.isTTY) {
		// The TUI loads on first use, so the CLI's commands start fast; and the commands load only for the CLI, so the TUI draws sooner.
		const {runTui} = await import('../tui/run.js');
		process.exit(await runTui());
	} else {
		const [loaded, {createProgram}] = await Promise.all([import('commander'), import('./program.js')]);
		commander = loaded;
		const program = createProgram(controller.signal);
		if (argv.length === 0) {
			program.outputHelp({error: !process.stdout.isTTY});
			process.exitCode = 2;
		} else {
			await program.parseAsync(process.argv);
		}
	}
} catch (error) {
	process.exitCode = exitCodeFor(error);
}

/** `MONARCH_NOW` (an ISO 8601 time) dates this run's backups, for tests and reproducible examples. */
function fixClockFromEnvironment(): void {
	const value = process.env.MONARCH_NOW;
	if (value === undefined || value === '') return;
	const at = new Date(value);
	if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(at.getTime())) {
		throw new MonarchError('usage', `MONARCH_NOW: ${JSON.stringify(value)} is not an ISO 8601 time`, {
			hint: 'set it like 2026-03-01T09:30:00Z, or unset it to use the real clock',
		});
	}

	fixClock(at);
}

function exitCodeFor(error: unknown): number {
	if (commander && error instanceof commander.CommanderError) {
		// Help and version exit 0; every usage mistake exits 2 (commander already printed it).
		return error.exitCode === 0 ? 0 : 2;
	}

	process.stderr.write(`${redact(`Error: ${describeError(error)}`)}\n`);
	if (verbose && error instanceof Error && error.stack) {
		const cause = (error as {cause?: unknown}).cause;
		process.stderr.write(`${redact(error.stack)}\n`);
		if (cause instanceof Error && cause.stack) process.stderr.write(`Caused by: ${redact(cause.stack)}\n`);
	} else if (!isMonarchError(error)) {
		process.stderr.write('(run with --verbose for the stack trace)\n');
	}

	return isMonarchError(error) ? error.exitCode : 1;
}
