import {type Command, Option} from 'commander';
import type {SubsetRequest} from '../core/subset/index.js';

/** The subset flags of copy_db, backup and rehearse, as commander parses them. */
export type SubsetFlags = {subset: string[]; follow?: string; subsetOnly?: boolean; seed?: string; estimate?: boolean};

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * Adds `--subset <collection:filter|n%>` (repeatable), `--follow`,
 * `--subset-only`, `--seed` and (unless told not to) `--estimate` to a command: a slice that
 * follows monarch.json's `references` (see "Subsets" in the README).
 */
export function addSubsetOptions(command: Command, options: {estimate: boolean} = {estimate: true}): Command {
	command
		.option(
			'--subset <collection:filter|n%>',
			'take a slice: the documents of a collection matching an Extended JSON filter, or a percentage of them, and what references them (repeatable)',
			collect,
			[],
		)
		.addOption(
			new Option('--follow <direction>', 'down: what references the kept documents (default); both: also what they reference').choices([
				'down',
				'both',
			]),
		)
		.option('--subset-only', 'leave out the collections with no reference to or from the slice (copied whole otherwise)')
		.option('--seed <text>', 'the seed of a percentage: the same seed takes the same documents (default "monarch")');
	if (options.estimate) command.option('--estimate', "print the subset's documents and bytes per collection and stop: nothing is copied");
	return command;
}

/** The flags as the core takes them. */
export function subsetRequest(flags: SubsetFlags): SubsetRequest {
	return {subset: flags.subset, follow: flags.follow, subsetOnly: flags.subsetOnly, seed: flags.seed};
}
