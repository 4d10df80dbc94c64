import {type Command, Option} from 'commander';
import {type UnlockableLock, unlockableLocks} from '../../core/environments/index.js';
import type {CliContext} from '../context.js';

export function registerUnlockCommand(program: Command, context: () => CliContext): void {
	program
		.command('unlock')
		.argument('<env>', 'environment name')
		.description('remove a lock a dead or hung run left behind, after showing its holder')
		.addOption(new Option('--lock <name>', 'which lock').choices(unlockableLocks).default('migrations'))
		.option('--force', 'remove it even though its lease is still being renewed (the holder looks alive)')
		.option('-y, --yes', 'confirm up front (needed without a terminal)')
		.addHelpText('after', '\nExamples:\n  monarch unlock staging\n  monarch unlock production --lock restore --force --yes')
		.action(async (env: string, options: {lock: UnlockableLock; force?: boolean; yes?: boolean}) => {
			const {config, prompter, events, signal, print} = context();
			const {unlock, describeUnlock} = await import('../../core/environments/index.js');
			const result = await unlock({
				config: await config(),
				environment: env,
				lock: options.lock,
				force: options.force,
				yes: options.yes,
				prompter: prompter(),
				events,
				signal,
			});
			print(describeUnlock(result));
		});
}
