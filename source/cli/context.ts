import type {ProjectConfig} from '../core/config/index.js';
import type {Prompter} from '../core/prompts.js';
import {createEventPrinter} from './event-printer.js';
import {createCliPrompter, parseParams} from './prompter.js';

/** Options every command accepts. */
export type GlobalOptions = {config?: string; verbose?: boolean};

/** What a command's action needs from the outside world. */
export type CliContext = {
	globals: GlobalOptions;
	config: () => Promise<ProjectConfig>;
	prompter: (params?: string[]) => Prompter;
	events: ReturnType<typeof createEventPrinter>;
	signal: AbortSignal;
	/** Writes to stdout (results, tables, JSON). */
	print: (text: string) => void;
};

/** Core modules load on first use, so `--help` and `--version` start fast. */
export function createContext(globals: GlobalOptions, signal: AbortSignal): CliContext {
	let loaded: Promise<ProjectConfig> | undefined;
	return {
		globals,
		config: async () =>
			(loaded ??= import('../core/config/index.js').then(async ({loadConfig}) => loadConfig({configPath: globals.config}))),
		prompter: (params = []) => createCliPrompter({params: parseParams(params)}),
		events: createEventPrinter({verbose: globals.verbose}),
		signal,
		print: text => process.stdout.write(`${text}\n`),
	};
}
