#!/usr/bin/env node
import {CommanderError} from 'commander';
import {describeError, isMonarchError} from '../core/errors.js';
import {redact} from '../core/redact.js';
import {createProgram} from './program.js';

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
const program = createProgram(controller.signal);

try {
	if (argv.length === 0 && process.stdin.isTTY && process.stdout.isTTY) {
		// The TUI loads on first use, so the CLI's commands start fast.
		const {runTui} = await import('../tui/run.js');
		process.exit(await runTui());
	} else if (argv.length === 0) {
		program.outputHelp({error: !process.stdout.isTTY});
		process.exitCode = 2;
	} else {
		await program.parseAsync(process.argv);
	}
} catch (error) {
	process.exitCode = exitCodeFor(error);
}

function exitCodeFor(error: unknown): number {
	if (error instanceof CommanderError) {
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
