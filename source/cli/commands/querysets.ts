import path from 'node:path';
import type {Command} from 'commander';
import type {CliContext} from '../context.js';
import {paint} from '../style.js';
import {table} from '../table.js';

export function registerQuerySetCommands(program: Command, context: () => CliContext): void {
	program
		.command('generate_query_set')
		.alias('generate-query-set')
		.argument('<name>', 'what the QuerySet selects, e.g. data_for_account')
		.description('write a new QuerySet file in the QuerySets folder')
		.addHelpText(
			'after',
			'\nExample:\n  monarch generate_query_set data_for_account   # -> querysets/data_for_account.ts (DataForAccountQuerySet)',
		)
		.action(async (name: string) => {
			const {config, print} = context();
			const loaded = await config();
			const {generateQuerySet} = await import('../../core/querysets/index.js');
			const generated = await generateQuerySet(loaded, name);
			print(`Created ${path.relative(process.cwd(), generated.file) || generated.file} (${generated.className})`);
		});

	program
		.command('list_query_sets')
		.alias('list-query-sets')
		.description('list the QuerySets (for backup --query-set and copy_db -q) and the --param keys they ask for')
		.option('--json', 'print JSON')
		.addHelpText('after', '\nExamples:\n  monarch list_query_sets\n  monarch list_query_sets --json')
		.action(async (options: {json?: boolean}) => {
			const {config, print} = context();
			const loaded = await config();
			const {listQuerySets} = await import('../../core/querysets/index.js');
			const querySets = await listQuerySets(loaded);
			const shown = querySets.map(entry => ({...entry, file: path.relative(loaded.root, entry.file) || entry.file}));
			if (options.json) {
				print(JSON.stringify(shown, null, 2));
				return;
			}

			const folder = path.relative(process.cwd(), loaded.querysetsDir) || loaded.querysetsDir;
			if (shown.length === 0) {
				print(`No QuerySets in ${folder} yet: \`monarch generate_query_set <name>\``);
				return;
			}

			const color = paint(process.stdout);
			const rows = [['NAME', 'FILE', 'PARAMS'].map(title => color('bold', title))];
			for (const entry of shown) rows.push([entry.name, entry.file, entry.params.map(key => `--param ${key}=...`).join(' ') || '-']);
			print(`QuerySets in ${folder}\n${table(rows)}`);
		});
}
