import type {Command} from 'commander';
import {MonarchError} from '../../core/errors.js';
import type {ReferencesSuggestResult, SuggestedReference} from '../../core/subset/index.js';
import type {CliContext} from '../context.js';
import {table} from '../table.js';

/** `monarch references suggest <env> [--sample N] [--write] [--json]`: the `references` group and its one command. */
export function registerReferencesCommands(program: Command, context: () => CliContext): void {
	const references = program
		.command('references')
		.description("monarch.json's references: which fields hold another collection's ids (followed by --subset)");
	references
		.command('suggest')
		.argument('<env>', 'environment name')
		.option('--sample <n>', 'documents read per collection (half the first, half the last by _id)', '1000')
		.option('--write', 'add the proposed references monarch.json lacks to its references (your entries and formatting stay)')
		.option('--json', 'print the result as JSON')
		.description(
			'propose references from the data: <x>_id fields whose values are _ids of a collection named like <x>, and ObjectIds of one collection (read-only)',
		)
		.addHelpText(
			'after',
			'\nExamples:\n  monarch references suggest production\n  monarch references suggest production --sample 5000 --write\n  monarch references suggest production --json',
		)
		.action(async (env: string, options: {sample: string; write?: boolean; json?: boolean}) => {
			const cli = context();
			const sample = Number(options.sample);
			if (!Number.isInteger(sample) || sample < 1 || sample > 1_000_000)
				throw new MonarchError('usage', `--sample: expected a whole number from 1 to 1000000, got ${JSON.stringify(options.sample)}`);
			const {suggestReferences} = await import('../../core/subset/index.js');
			const result = await suggestReferences({
				config: await cli.config(),
				environment: env,
				sample,
				write: options.write,
				events: options.json ? undefined : cli.events,
				signal: cli.signal,
			});
			cli.events.finish();
			cli.print(options.json ? JSON.stringify(result, null, 2) : await describeReferences(result));
		});
}

/** The text output: the proposed references as a table, those looked at and not proposed as another, then the summary. */
export async function describeReferences(result: ReferencesSuggestResult): Promise<string> {
	const {referenceState, referencesSummary, sharePercent} = await import('../../core/subset/index.js');
	const rows = (references: SuggestedReference[], state: boolean) =>
		table([
			['PATH', 'TARGET', 'FOUND', 'VALUES', ...(state ? ['MONARCH.JSON'] : []), 'REASON'],
			...references.map(reference => [
				reference.path,
				reference.target ?? '-',
				reference.target === null ? '-' : sharePercent(reference.found),
				String(reference.values),
				...(state ? [referenceState(reference)] : []),
				reference.reason,
			]),
		]);
	const lines: string[] = [];
	lines.push(
		result.proposed.length === 0 ? 'No reference found' : 'Proposed references',
		...(result.proposed.length > 0 ? [rows(result.proposed, true)] : []),
		'',
	);
	if (result.rejected.length > 0) lines.push('Looked at, not proposed', rows(result.rejected, false), '');
	lines.push(...referencesSummary(result));
	return lines.join('\n');
}
