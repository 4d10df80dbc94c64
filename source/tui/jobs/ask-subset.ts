import {MonarchError} from '../../core/errors.js';
import type {EventSink} from '../../core/events.js';
import type {Prompter} from '../../core/prompts.js';
import type {SubsetRequest} from '../../core/subset/index.js';
import {describeEstimate} from '../../core/subset-estimate.js';
import type {TuiServices} from '../context.js';

/* The copy and backup forms' "a subset": the root collection, a filter or a percentage, the direction, then the estimate to confirm. */

/**
 * Offered when monarch.json declares references: all of the source, or a
 * subset that follows them. For a subset: pick the root collection (those the
 * references name), type a filter in Extended JSON or a percentage (checked
 * as typed), pick the direction; the estimate per collection is worked out
 * (reading the source only) and shown above "Take this subset?". Undefined
 * for all of it; a no to the estimate cancels the job.
 */
export async function askSubset(
	prompter: Prompter,
	tui: TuiServices,
	options: {from: string; to?: string | undefined; verb: 'Copy' | 'Back up'; events: EventSink; signal: AbortSignal},
): Promise<SubsetRequest | undefined> {
	const {references} = tui.config;
	if (references.length === 0) return undefined;
	const whole = await prompter.select<'all' | 'subset'>({
		key: 'subset',
		message: `${options.verb} all of ${options.from}, or a subset that follows the references?`,
		choices: [
			{value: 'all', label: `all of ${options.from}`},
			{value: 'subset', label: 'a subset: a root collection, a filter or a %, and what references it'},
		],
		default: 'all',
	});
	if (whole === 'all') return undefined;
	const collections = [...new Set(references.flatMap(reference => [reference.to.collection, reference.from.collection]))];
	const root = await prompter.select({
		key: 'root',
		message: 'Start from which collection?',
		choices: collections.map(value => ({value})),
		default: collections[0],
	});
	const {estimateSubset, subsetRootProblem} = await import('../../core/subset/index.js');
	const which = await prompter.text({
		key: 'which',
		message: `Which documents of ${root}? A filter in Extended JSON ({"plan":"pro"}) or a percentage (2%)`,
		validate: value =>
			/^\s*(\d+(\.\d+)?\s*%|\{.*\})\s*$/s.test(value) ? undefined : 'a filter such as {"plan":"pro"}, or a percentage such as 2%',
	});
	const problem = await subsetRootProblem(`${root}:${which}`);
	if (problem)
		throw new MonarchError('usage', `--subset ${root}:${which}: ${problem}`, {hint: 'start again with a filter such as {"plan":"pro"}'});
	const follow = await prompter.select<'down' | 'both'>({
		key: 'follow',
		message: 'Follow the references',
		choices: [
			{value: 'down', label: `down: what references the kept ${root} (and what that references in turn)`},
			{value: 'both', label: 'both ways: also what the kept documents reference, sliced too'},
		],
		default: 'down',
	});
	const request: SubsetRequest = {subset: [`${root}:${which}`], follow: follow === 'down' ? undefined : follow};
	const estimate = await estimateSubset({
		config: tui.config,
		from: options.from,
		to: options.to,
		request,
		prompter,
		events: () => {},
		signal: options.signal,
	});
	for (const text of describeEstimate(estimate)) options.events({type: 'log', level: 'info', message: text});
	// The dialog must fit 24 rows: the collections copied whole go on one line instead of a row each.
	const copiedWhole = estimate.collections.filter(entry => entry.role === 'whole').map(entry => entry.name);
	const lines = [
		...describeEstimate({...estimate, collections: estimate.collections.filter(entry => entry.role !== 'whole')}),
		...(copiedWhole.length > 0 ? [`copied whole: ${copiedWhole.join(', ')}`] : []),
	];
	const take = await prompter.confirm({
		key: 'take',
		message: `${options.verb} this subset (${estimate.documents} of ${estimate.totalDocuments} documents)?`,
		default: true,
		details: lines,
	});
	if (!take) {
		throw new MonarchError('cancelled', `${options.verb} of a subset of ${options.from} cancelled at its estimate; nothing was written`);
	}

	return request;
}
