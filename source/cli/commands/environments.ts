import type {Command} from 'commander';
import type {CliContext} from '../context.js';
import {paint} from '../style.js';
import {table} from '../table.js';

export function registerEnvironmentCommands(program: Command, context: () => CliContext): void {
	program
		.command('list_environments')
		.alias('list-environments')
		.description('list the environments in monarch.json (passwords hidden)')
		.option('--json', 'print JSON')
		.addHelpText('after', '\nExample:\n  monarch list_environments --json')
		.action(async (options: {json?: boolean}) => {
			const {config, print} = context();
			const {environments, displayFile} = await config();
			if (options.json) {
				print(
					JSON.stringify(
						environments.map(environment => ({
							name: environment.name,
							hosts: environment.hosts,
							database: environment.database,
							protected: environment.protected,
							protectionReason: environment.protectionReason ?? null,
							uri: environment.displayUri,
							missingVariables: environment.missingVariables,
						})),
						null,
						2,
					),
				);
				return;
			}

			const color = paint(process.stdout);
			const rows = [['NAME', 'HOST', 'DATABASE', 'PROTECTED'].map(title => color('bold', title))];
			for (const environment of environments) {
				const host =
					environment.missingVariables.length > 0 ? `(set ${environment.missingVariables.join(', ')})` : environment.hosts.join(',');
				rows.push([
					environment.protected ? color('red', environment.name) : environment.name,
					host,
					environment.database,
					environment.protected ? `yes (${environment.protectionReason})` : 'no',
				]);
			}

			print(`Environments in ${displayFile}\n${table(rows)}`);
		});
}
