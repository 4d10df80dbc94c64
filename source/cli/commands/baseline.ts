import type {Command} from 'commander';
import {counted} from '../../core/plural.js';
import type {CliContext} from '../context.js';

export function registerMarkAppliedCommand(program: Command, context: () => CliContext): void {
	program
		.command('mark_applied')
		.aliases(['mark-applied', 'baseline'])
		.argument('<keys-and-env...>', 'migration keys (see `monarch list_migrations <env>`), then the environment name')
		.usage('[options] <key>... <env>')
		.description('record migrations as completed without running them (a database from a snapshot, or changes applied by hand)')
		.option('--all', 'mark every pending migration')
		.option('-y, --yes', 'confirm up front (needed for protected environments without a terminal)')
		.addHelpText(
			'after',
			'\nExamples:\n  monarch mark_applied 20261123183000_add_indexes_to_user_table staging\n  monarch baseline --all production --yes',
		)
		.action(async (words: string[], options: {all?: boolean; yes?: boolean}) => {
			const {config, prompter, events, signal, print} = context();
			const {markApplied} = await import('../../core/migrations/index.js');
			const keys = words.slice(0, -1);
			const env = words.at(-1)!;
			const result = await markApplied({
				config: await config(),
				environment: env,
				keys,
				all: options.all,
				yes: options.yes,
				prompter: prompter(),
				events,
				signal,
			});
			const lines =
				result.marked.length === 0
					? [`Nothing to mark on ${result.environment}.`]
					: [
							`Marked ${counted(result.marked.length, 'migration')} as applied on ${result.environment} (baseline, not run):`,
							...result.marked.map(key => `  ${key}`),
						];
			if (result.alreadyCompleted.length > 0) lines.push(`Already completed, left as they are: ${result.alreadyCompleted.join(', ')}`);
			print(lines.join('\n'));
		});
}
