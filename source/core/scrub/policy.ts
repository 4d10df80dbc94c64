import type {CollectionInfo} from '../collections.js';
import type {ProjectConfig} from '../config/load.js';
import type {Environment} from '../environments.js';
import {MonarchError} from '../errors.js';
import type {CustomScrub} from '../querysets/selection.js';
import {registerSecret} from '../redact.js';
import {Scrubber, type ScrubCounts} from './scrubber.js';
import {checkUniqueIndexes} from './unique.js';

/** `--scrub` (true), `--no-scrub` (false), or neither (undefined). */
export type ScrubChoice = boolean | undefined;

/** What a copy does about personal data, as decided before anything is written; recorded in results and manifests. */
export type ScrubPlan =
	| {
			scrub: true;
			fingerprint: string;
			collections: string[];
			key: string;
			/** The source holds personal data: every collection and field path must be classified, checked as the data flows (see ScrubGate). */
			gated: boolean;
			/** The environment (or file) read, for the gate's refusal. */
			source: string;
	  }
	| {scrub: false /** `--no-scrub` given for a source holding personal data. */; declined: boolean};

/**
 * Decides whether a copy of `source` into `target` is scrubbed. A source
 * marked `personalData` copied into an unprotected environment needs an
 * explicit choice; `--scrub` needs rules and a key. Throws before anything is
 * read or written. `what` names the command (`copy_db production:development`).
 */
export function planScrub(
	config: ProjectConfig,
	source: Pick<Environment, 'name' | 'personalData'>,
	target: Environment | undefined,
	choice: ScrubChoice,
	what: string,
	variables: NodeJS.ProcessEnv = process.env,
): ScrubPlan {
	if (choice === undefined) {
		if (source.personalData && target && !target.protected) {
			throw new MonarchError(
				'usage',
				`${what}: ${source.name} holds personal data (personalData: true) and ${target.name} is not protected; say --scrub or --no-scrub`,
				{
					hint: `--scrub applies the scrub rules of ${config.displayFile}; --no-scrub copies the data as it is`,
				},
			);
		}

		return {scrub: false, declined: false};
	}

	if (!choice) return {scrub: false, declined: source.personalData};
	const rules = config.scrub;
	if (!rules || rules.collections.size === 0) {
		throw new MonarchError('usage', `${what} --scrub: ${config.displayFile} has no scrub classification`, {
			hint: `run \`monarch scrub_suggest ${source.name} --write\` to propose one, or add "scrub": {"<collection>": {"<field>": "fake.email"}} (see "Scrubbed copies" in the README)`,
		});
	}

	const key = variables[rules.keyEnv];
	if (!key) {
		throw new MonarchError('usage', `${what} --scrub: the scrub key is not set (environment variable ${rules.keyEnv})`, {
			hint: `export ${rules.keyEnv}=$(openssl rand -hex 32), and keep it: the same key gives the same fakes on every run`,
		});
	}

	if (key.length < 16)
		throw new MonarchError('usage', `${what} --scrub: ${rules.keyEnv} is too short (at least 16 characters)`, {
			hint: `export ${rules.keyEnv}=$(openssl rand -hex 32)`,
		});
	registerSecret(key);
	return {
		scrub: true,
		fingerprint: rules.fingerprint,
		collections: [...rules.rules.keys()],
		key,
		gated: source.personalData,
		source: source.name,
	};
}

/**
 * The scrubber for the collections a copy takes, or undefined when the plan
 * does not scrub. Refuses rules that would break a unique index (mask,
 * const, null or remove on a unique field), before anything is written.
 */
export function scrubberFor(
	config: ProjectConfig,
	plan: ScrubPlan,
	infos: readonly CollectionInfo[],
	what: string,
	custom?: CustomScrub,
): Scrubber | undefined {
	if (!plan.scrub || !config.scrub) return undefined;
	const check = checkUniqueIndexes(config.scrub.rules, infos);
	if (check.problems.length > 0)
		throw new MonarchError('config', `${config.displayFile}: ${check.problems[0]}`, {hint: `${what} wrote nothing`});
	return new Scrubber({
		rules: config.scrub.rules,
		classes: config.scrub.collections,
		gated: plan.gated,
		key: plan.key,
		uniqueKinds: check.kinds,
		custom,
		customCollections: new Set(infos.map(info => info.name)),
		collections: infos.filter(info => info.type !== 'view').map(info => info.name),
		refusal: {what, source: plan.source, file: config.displayFile},
	});
}

/** What a load did about personal data (never the key). */
export type ScrubReport =
	| {
			scrubbed: true;
			fingerprint: string;
			collections: Array<{name: string; documents: number; values: number; converted: number}>;
			/** Every field path of every document copied was classified (the source holds personal data, so the gate checked it). */
			classified: boolean;
			/** Collections classified `drop` (not copied) and `empty` (indexes, no documents). */
			dropped: string[];
			emptied: string[];
	  }
	| {scrubbed: false /** `--no-scrub` was given for a source that holds personal data. */; declined: boolean};

export function scrubReport(plan: ScrubPlan, scrubber: Scrubber | undefined, collections: readonly string[] = []): ScrubReport {
	if (!plan.scrub) return {scrubbed: false, declined: plan.declined};
	const counts = [...(scrubber?.counts ?? new Map<string, ScrubCounts>())]
		.map(([name, entry]) => ({name, ...entry}))
		.sort((a, b) => a.name.localeCompare(b.name));
	const whole = (kind: 'drop' | 'empty') =>
		collections.filter(name => scrubber?.take(name) === (kind === 'drop' ? 'nothing' : 'empty')).sort();
	return {
		scrubbed: true,
		fingerprint: plan.fingerprint,
		collections: counts,
		classified: plan.gated,
		dropped: whole('drop'),
		emptied: whole('empty'),
	};
}
