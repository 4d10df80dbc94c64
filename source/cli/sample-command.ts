import type {Command} from 'commander';
import type {ProjectConfig} from '../core/config/index.js';
import {MonarchError} from '../core/errors.js';
import type {EventSink} from '../core/events.js';
import type {CliContext} from './context.js';

/*
 * What the commands that read a sample of every collection and may add to
 * monarch.json share (scrub_suggest, references suggest): `--sample`,
 * `--write`, `--json`, and the run: the check of `--sample`, the core call,
 * the JSON or the text.
 */

/** The options as commander gives them. */
export type SampleOptionValues = {sample: string; write?: boolean; json?: boolean};

/** Adds `--sample <n>` (default 1000), `--write` (what it adds: `writes`) and `--json` to `command`. */
export function sampleOptions(command: Command, writes: string): Command {
	return command
		.option('--sample <n>', 'documents read per collection (half the first, half the last by _id)', '1000')
		.option('--write', writes)
		.option('--json', 'print the result as JSON');
}

/** The core call such a command makes. */
type SampleRun<R> = (options: {
	config: ProjectConfig;
	environment: string;
	sample: number;
	write: boolean | undefined;
	events: EventSink | undefined;
	signal: AbortSignal;
}) => Promise<R>;

/** Checks `--sample` (a whole number from 1 to 1000000), runs `run` on `env` with progress (none with --json), prints the result as JSON or `describe`'s text. */
export async function runSampleCommand<R>(
	cli: CliContext,
	env: string,
	options: SampleOptionValues,
	run: SampleRun<R>,
	describe: (result: R) => Promise<string>,
): Promise<void> {
	const sample = Number(options.sample);
	if (!Number.isInteger(sample) || sample < 1 || sample > 1_000_000)
		throw new MonarchError('usage', `--sample: expected a whole number from 1 to 1000000, got ${JSON.stringify(options.sample)}`);
	const result = await run({
		config: await cli.config(),
		environment: env,
		sample,
		write: options.write,
		events: options.json ? undefined : cli.events,
		signal: cli.signal,
	});
	cli.events.finish();
	cli.print(options.json ? JSON.stringify(result, null, 2) : await describe(result));
}
