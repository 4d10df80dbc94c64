import type {Command} from 'commander';
import type {ScrubSuggestResult} from '../../core/scrub/index.js';
import type {CliContext} from '../context.js';
import {runSampleCommand, type SampleOptionValues, sampleOptions} from '../sample-command.js';
import {table} from '../table.js';

/** `monarch scrub_suggest <env> [--sample N] [--write] [--json]`. */
export function registerScrubSuggestCommand(program: Command, context: () => CliContext): void {
	sampleOptions(
		program.command('scrub_suggest').alias('scrub-suggest').argument('<env>', 'environment name'),
		'add the suggestions for unclassified paths to monarch.json (your entries and formatting stay)',
	)
		.description('suggest a scrub classification for every field path of an environment, from names and sampled values (read-only)')
		.addHelpText(
			'after',
			'\nExamples:\n  monarch scrub_suggest production\n  monarch scrub_suggest production --sample 5000 --write\n  monarch scrub_suggest production --json',
		)
		.action(async (env: string, options: SampleOptionValues) => {
			const {suggestScrub} = await import('../../core/scrub/index.js');
			await runSampleCommand(context(), env, options, suggestScrub, describeSuggestions);
		});
}

/** The text output: per collection a line and a table (path, types, present, current, suggestion, reason), then the totals and what --write did. */
// biome-ignore lint/complexity/noExcessiveCognitiveComplexity: the text report: one branch per column and option; to split with the report table
export async function describeSuggestions(result: ScrubSuggestResult): Promise<string> {
	const {collectionClassText} = await import('../../core/scrub/index.js');
	const lines: string[] = [];
	for (const collection of result.collections) {
		const current = collectionClassText(collection.current);
		const whole =
			collection.current === null && collection.suggestion !== 'fields'
				? `; suggested: "${collection.suggestion}" for the whole collection${collection.suggestion === 'empty' ? ', nothing known of its documents' : ''}`
				: '';
		lines.push(
			`${collection.name} (${collection.sampled} ${collection.sampled === 1 ? 'document' : 'documents'} sampled, ${current}${whole})`,
		);
		if (collection.paths.length === 0) {
			lines.push('  (no documents)', '');
			continue;
		}

		const rows = [['PATH', 'TYPES', 'PRESENT', 'CURRENT', 'SUGGESTION', 'REASON']];
		for (const path of collection.paths) {
			const current =
				path.current ?? (collection.current === 'fields' || collection.current === null ? 'unclassified' : collection.current);
			rows.push([path.path, path.types.join(','), `${Math.round(path.present * 100)}%`, current, path.suggestion, path.reason]);
		}

		lines.push(table(rows), '');
	}

	const files = result.file;
	const unclassifiedCollections = result.collections.filter(collection => collection.current === null).length;
	const samples = `samples of up to ${result.sample} documents`;
	if (result.unclassified === 0 && unclassifiedCollections === 0)
		lines.push(`Every path seen in ${result.environment} is classified (${samples})`);
	else
		lines.push(
			`${result.unclassified} unclassified ${result.unclassified === 1 ? 'path' : 'paths'} in ${result.environment} (${samples}); nothing written: --write adds the suggestions to ${files}`,
		);
	if (result.written) {
		lines[lines.length - 1] =
			result.written.added === 0
				? `Nothing to add to ${files}: every path is classified`
				: `Added ${result.written.added} ${result.written.added === 1 ? 'entry' : 'entries'} to ${files} (${result.written.collections.map(entry => `${entry.name}: ${entry.whole ? `"${entry.whole}"` : entry.added}`).join(', ')}): review the diff`;
	}

	return lines.join('\n');
}
