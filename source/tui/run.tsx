import {render} from 'ink';
import {loadConfig} from '../core/config/index.js';
import {describeError, isMonarchError} from '../core/errors.js';
import {redact} from '../core/redact.js';
import {monarchVersion} from '../core/version.js';
import {App} from './app.js';
import {createPromptChannel} from './state/prompt-channel.js';

export type RunTuiOptions = {
	/** `--config PATH`; otherwise monarch.json is searched upwards. */
	configPath?: string | undefined;
};

/**
 * Opens the TUI on the terminal (in the alternate screen, so the shell's
 * scrollback is left as it was) and resolves with the exit status once the
 * user quits. A missing or broken monarch.json is reported on one line (status 2).
 */
export async function runTui(options: RunTuiOptions = {}): Promise<number> {
	let config;
	try {
		config = await loadConfig({configPath: options.configPath});
	} catch (error) {
		process.stderr.write(`${redact(`Error: ${describeError(error)}`)}\n`);
		return isMonarchError(error) ? error.exitCode : 1;
	}

	const home = process.env.HOME;
	const folder = home && config.root.startsWith(home) ? `~${config.root.slice(home.length)}` : config.root;
	process.stdout.write('\u001B[?1049h\u001B[H');
	try {
		const instance = render(<App config={config} channel={createPromptChannel()} version={monarchVersion} folder={folder} />, {
			exitOnCtrlC: false,
		});
		await instance.waitUntilExit();
	} finally {
		process.stdout.write('\u001B[?1049l');
	}

	return 0;
}
