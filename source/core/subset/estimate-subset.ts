import type {ProjectConfig} from '../config/load.js';
import {connect} from '../connection.js';
import {findEnvironment} from '../environments.js';
import {MonarchError} from '../errors.js';
import {ignoreEvents, type OperationOptions} from '../events.js';
import type {Prompter} from '../prompts.js';
import {runQuerySet} from '../querysets/run.js';
import type {SubsetEstimate} from '../subset-estimate.js';
import {type SubsetRequest, subsetFor} from './subset-for.js';

export type EstimateSubsetOptions = OperationOptions & {
	config: ProjectConfig;
	/** The source environment. */
	from: string;
	/** The target a copy would go to: large sets spill to its server (the source's when absent, as for a backup). */
	to?: string | undefined;
	request?: SubsetRequest | undefined;
	/** A QuerySet declaring `static subset`. */
	querySet?: string | undefined;
	prompter: Prompter;
};

/**
 * What a subset would take, copying nothing: the source read (never
 * written), the closure worked out, its spill database dropped; the estimate
 * (documents and bytes per collection, the share of the source, dangling
 * references) for `--estimate` and the TUI's forms.
 */
export async function estimateSubset(options: EstimateSubsetOptions): Promise<SubsetEstimate> {
	const {config} = options;
	const events = options.events ?? ignoreEvents;
	const source = findEnvironment(config.environments, options.from, config.displayFile);
	const spillOn = options.to === undefined ? source : findEnvironment(config.environments, options.to, config.displayFile);
	const what = `the subset estimate of ${source.name}`;
	const connection = await connect(source, {access: 'read', events});
	try {
		const querySet = options.querySet
			? await runQuerySet({
					config,
					name: options.querySet,
					database: connection.db,
					environment: source.name,
					prompter: options.prompter,
					events,
					signal: options.signal,
				})
			: undefined;
		const subset = await subsetFor({
			config,
			request: options.request,
			querySet,
			db: connection.db,
			environment: source.name,
			spillOn,
			events,
			signal: options.signal,
			what,
		});
		if (!subset) throw new MonarchError('usage', '--estimate needs --subset', {hint: `add --subset '<collection>:<filter or percentage>'`});
		await subset.drop();
		return subset.estimate;
	} finally {
		await connection.close();
	}
}
