import cliTruncate from 'cli-truncate';
import type {Command} from 'commander';
import stringWidth from 'string-width';
import {MonarchError} from '../../core/errors.js';
import type {CliContext} from '../context.js';

/** `monarch scrub_preview <env> <collection> [-n 3]`. */
export function registerScrubPreviewCommand(program: Command, context: () => CliContext): void {
	program
		.command('scrub_preview')
		.alias('scrub-preview')
		.argument('<env>', 'environment name')
		.argument('<collection>', 'a collection with scrub rules')
		.option('-n, --count <n>', 'documents to show', '3')
		.option('--json', 'print JSON ({documents: [{before, after}]})')
		.description('show documents before and after the scrub rules, side by side, writing nothing')
		.addHelpText('after', '\nExamples:\n  monarch scrub_preview production accounts\n  monarch scrub_preview production users -n 1 --json')
		.action(async (env: string, collection: string, options: {count: string; json?: boolean}) => {
			const {config, print} = context();
			const limit = Number(options.count);
			if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
				throw new MonarchError('usage', `-n: expected a whole number from 1 to 1000, got ${JSON.stringify(options.count)}`);
			const {previewScrub} = await import('../../core/scrub/index.js');
			const preview = await previewScrub({config: await config(), environment: env, collection, limit});
			if (options.json) {
				print(JSON.stringify(preview, null, 2));
				return;
			}

			const width = process.stdout.columns && process.stdout.columns > 40 ? process.stdout.columns : 120;
			const lines = [
				`${preview.collection} of ${preview.environment}, scrub rules ${preview.fingerprint}: ${preview.documents.length} ${preview.documents.length === 1 ? 'document' : 'documents'}, nothing written`,
			];
			for (const {before, after} of preview.documents)
				lines.push('', sideBySide(JSON.stringify(before, null, 2), JSON.stringify(after, null, 2), width));
			if (preview.documents.length === 0) lines.push('(the collection is empty)');
			print(lines.join('\n'));
		});
}

/** Two texts in columns (`before │ after`), each cut to half the width by display width. */
export function sideBySide(left: string, right: string, width: number): string {
	const column = Math.max(20, Math.floor((width - 3) / 2));
	const leftLines = ['BEFORE', ...left.split('\n')];
	const rightLines = ['AFTER', ...right.split('\n')];
	const rows: string[] = [];
	for (let index = 0; index < Math.max(leftLines.length, rightLines.length); index++) {
		const cell = cliTruncate(leftLines[index] ?? '', column);
		rows.push(`${cell}${' '.repeat(column - stringWidth(cell))} │ ${cliTruncate(rightLines[index] ?? '', column)}`.trimEnd());
	}

	return rows.join('\n');
}
