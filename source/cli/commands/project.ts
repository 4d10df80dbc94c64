import type {Command} from 'commander';
import {counted} from '../../core/plural.js';
import type {CliContext} from '../context.js';

export function registerProjectCommands(program: Command, context: () => CliContext): void {
	program
		.command('init')
		.description('write monarch.json, migrations/ and querysets/ in the current folder')
		.addHelpText('after', '\nExample:\n  monarch init')
		.action(async () => {
			const {initProject} = await import('../../core/config/index.js');
			const result = await initProject(process.cwd());
			context().print(`Created ${result.created.join(', ')}. Edit monarch.json to describe your environments.`);
		});

	program
		.command('drop_db')
		.alias('drop-db')
		.argument('<env>', 'environment name')
		.description("drop an environment's whole database (asks first)")
		.option('-y, --yes', 'confirm up front')
		.addHelpText('after', '\nExample:\n  monarch drop_db development')
		.action(async (env: string, options: {yes?: boolean}) => {
			const {config, prompter, events, signal, print} = context();
			const {dropDatabase} = await import('../../core/environments/index.js');
			const result = await dropDatabase({config: await config(), environment: env, yes: options.yes, prompter: prompter(), events, signal});
			print(`Dropped database ${result.database} of ${result.environment} (${counted(result.collections, 'collection')}).`);
		});

	program
		.command('recover')
		.argument('<env>', 'environment name')
		.description('finish a restore or copy that was killed during its swap (a half-swapped database), and nothing else')
		.addHelpText('after', '\nExample:\n  monarch recover development')
		.action(async (env: string) => {
			const {config, events, signal, print} = context();
			const {recoverEnvironment} = await import('../../core/environments/index.js');
			const result = await recoverEnvironment({config: await config(), environment: env, events, signal});
			print(
				result.finished
					? `${result.environment} (database ${result.database}) is whole again.`
					: `Nothing to recover on ${result.environment} (database ${result.database}): no interrupted swap.`,
			);
		});
}
