import type {Document} from 'mongodb';
import type {BackupResult} from '../backups/backup.js';
import {drainRawCursor} from '../backups/drain-cursor.js';
import {dumpConcurrency} from '../backups/dump.js';
import {planRangeTasks, rangeCountdown, splitThreshold} from '../backups/id-ranges.js';
import {collectGarbageEvery} from '../collect-garbage.js';
import {countForProgress, describeCollections} from '../collections.js';
import type {ProjectConfig} from '../config/load.js';
import {connect} from '../connection.js';
import {type Environment, findEnvironment} from '../environments.js';
import {MonarchError} from '../errors.js';
import {ignoreEvents, type OperationOptions} from '../events.js';
import {runSettled} from '../pool.js';
import type {Prompter} from '../prompts.js';
import {runQuerySet} from '../querysets/run.js';
import type {QuerySetRun} from '../querysets/selection.js';
import {auditAfterCopy, type CopyAudit} from '../scrub/audit-after-copy.js';
import {planScrub, type ScrubChoice, type ScrubReport} from '../scrub/policy.js';
import {serverTraits} from '../server-traits.js';
import {type SubsetInUse, type SubsetRequest, subsetFor} from '../subset/subset-for.js';
import type {SubsetEstimate} from '../subset-estimate.js';
import {type RestoreSource, runRestore} from './restore-flow.js';
import {assertLoadable} from './staging.js';

export type CopyOptions = OperationOptions & {
	config: ProjectConfig;
	/** The source environment. */
	from: string;
	/** The target environment. */
	to: string;
	/** `--query-set`: copy only what this QuerySet picks. */
	querySet?: string | undefined;
	yes?: boolean | undefined;
	/** Answers the QuerySet's prompts and the confirmation. */
	prompter: Prompter;
	/** Take a safety backup of a protected target first (default true). */
	safetyBackup?: boolean | undefined;
	/** `--scrub` (true) or `--no-scrub` (false); required when the source holds personal data and the target is not protected. */
	scrub?: ScrubChoice;
	/** `--workers`: how many insert workers load the staging collections; 0 for the main thread; default in workers.ts (the main thread on 2 cores or fewer). */
	workers?: number | undefined;
	/** `--subset`, `--follow`, `--subset-only`, `--seed`: copy a slice that follows the references (subset/). */
	subset?: SubsetRequest | undefined;
};

export type CopyResult = {
	from: string;
	to: string;
	sourceDatabase: string;
	database: string;
	querySet: {name: string; answers: Record<string, unknown>} | null;
	collections: Array<{name: string; count: number}>;
	dropped: string[];
	safetyBackup: BackupResult | undefined;
	scrub: ScrubReport;
	/** `scrub.audit`: the audit of the scrubbed target, run after the copy (which has happened whatever it found); undefined when off or not scrubbed. */
	audit: CopyAudit | undefined;
	/** The subset's estimate, when a subset was copied. */
	subset: SubsetEstimate | undefined;
};

/**
 * Copies one environment's database (or a QuerySet's part of it) into
 * another, streaming documents as raw BSON with no temporary file, through
 * the same flow as restore ({@link runRestore}): the end state equals the source.
 */
export async function copyDatabase(options: CopyOptions): Promise<CopyResult> {
	const {config} = options;
	if (options.from === options.to) {
		throw new MonarchError('usage', `copy_db ${options.from}:${options.to}: the source and the target are the same environment`, {
			hint: 'copy into another environment',
		});
	}

	const source = findEnvironment(config.environments, options.from, config.displayFile);
	const target = findEnvironment(config.environments, options.to, config.displayFile);
	if (source.database === target.database && sameHosts(source.hosts, target.hosts)) {
		throw new MonarchError(
			'usage',
			`copy_db ${source.name}:${target.name}: both are database ${source.database} on ${source.hosts.join(',')}`,
			{hint: 'copy into another database'},
		);
	}

	const scrub = planScrub(config, source, target, options.scrub, `copy_db ${source.name}:${target.name}`);
	const {source: copied, ...restored} = await runRestore({
		...options,
		scrub,
		target,
		open: async () => openCopySource({...options, source, target, access: 'write', what: `copy_db ${source.name}:${target.name}`}),
	});
	const audit = await auditAfterCopy({
		config,
		plan: scrub,
		source: source.name,
		target: target.name,
		events: options.events,
		signal: options.signal,
	});
	return {
		from: source.name,
		to: target.name,
		sourceDatabase: source.database,
		database: target.database,
		querySet: copied.querySet ? {name: copied.querySet.name, answers: copied.querySet.answers} : null,
		...restored,
		audit,
		subset: copied.subset,
	};
}

/** What {@link openCopySource} needs: the two environments, and the QuerySet whose part is copied. */
export type CopySourceInput = OperationOptions & {
	config: ProjectConfig;
	source: Environment;
	target: Environment;
	/** `--query-set`: copy only what this QuerySet picks (its questions asked through the prompter). */
	querySet?: string | undefined;
	prompter: Prompter;
	/**
	 * How the source is opened: `write` (copy_db) finishes a swap a killed run
	 * left half-done there first; `read` (rehearse) changes nothing and refuses
	 * a half-swapped source.
	 */
	access: 'read' | 'write';
	/** Collections copied whole besides a QuerySet's selection (rehearse: `monarch_migrations`); ignored without a QuerySet, which copies everything. */
	alsoWhole?: readonly string[] | undefined;
	/** Names the work in errors, e.g. `copy_db production:staging`. */
	what: string;
	/** `--subset` and its flags (or a QuerySet's `static subset`): a slice following the references, its large sets spilled to the target's server. */
	subset?: SubsetRequest | undefined;
};

/**
 * Another environment's live collections (or a QuerySet's part of them) as a
 * restore's source: connects (asking the QuerySet's questions), and loads
 * from raw cursors, `dumpConcurrency` at once (collections, or `_id` ranges
 * of one over `backups.splitCollections`, see `planRangeTasks`). Nothing is
 * verified: the counts are estimates for progress. The one copy source of
 * copy_db and rehearse.
 */
export async function openCopySource(
	input: CopySourceInput,
): Promise<RestoreSource & {querySet: QuerySetRun | undefined; subset: SubsetEstimate | undefined}> {
	const {config, signal, source, target} = input;
	const events = input.events ?? ignoreEvents;
	const from =
		input.access === 'write'
			? await connect(source, {access: 'write', lock: config.lock, events, signal})
			: await connect(source, {access: 'read', events});
	let subset: SubsetInUse | undefined;
	try {
		if (from.interruptedSwap) {
			throw new MonarchError(
				'blocked',
				`${input.what}: ${source.name} is half-swapped by a restore or copy that was killed; nothing was copied`,
				{
					hint: `run \`monarch recover ${source.name}\` first`,
				},
			);
		}

		const querySet: QuerySetRun | undefined = input.querySet
			? await runQuerySet({
					config,
					name: input.querySet,
					database: from.db,
					environment: source.name,
					prompter: input.prompter,
					events,
					signal,
				})
			: undefined;
		subset = await subsetFor({
			config,
			request: input.subset,
			querySet,
			db: from.db,
			environment: source.name,
			spillOn: target,
			keepDocuments: true,
			events,
			signal,
			what: input.what,
		});
		const selection = subset?.selection ?? querySet?.selection;
		const selected = new Map(selection?.collections.map(entry => [entry.name, entry]));
		const filters = new Map(selection?.collections.map(entry => [entry.name, entry.filter as Document]));
		if (selection) for (const name of input.alsoWhole ?? []) if (!filters.has(name)) filters.set(name, {});
		const infos = await describeCollections(from.db, selection ? [...filters.keys()] : undefined);
		assertLoadable(infos, input.what);
		const data = infos.filter(info => info.type !== 'view');
		// Each collection is counted once, for progress and for the split into ranges.
		let counting: Promise<Map<string, number>> | undefined;
		const countAll = async () => {
			counting ??= (async () => {
				const totals = new Map<string, number>();
				for (const info of data)
					totals.set(info.name, selected.get(info.name)?.count ?? (await countForProgress(from.db, info.name, filters.get(info.name))));
				return totals;
			})();
			return counting;
		};
		const what = subset
			? `a subset of ${source.name} (${subset.estimate.documents} of ${subset.estimate.totalDocuments} documents)`
			: source.name;
		return {
			querySet,
			subset: subset?.estimate,
			describe: `Copy ${querySet ? `QuerySet ${querySet.name} of ${source.name}` : what} (database ${source.database})`,
			kind: 'copy',
			label: `copy ${source.name} to ${target.name}`,
			customScrub: querySet?.scrub,
			checkedAgainst: undefined,
			totals: countAll,
			async load(staging, loadEvents, signal) {
				await staging.prepare(infos);
				const threshold = splitThreshold(config.splitCollections, await serverTraits(from.db));
				const tasks = await planRangeTasks(
					data.filter(info => staging.takes(info.name) === 'documents'),
					{
						threshold,
						parts: dumpConcurrency,
						source: info => ({
							collection: from.db.collection(info.name),
							// A subset's slice read by `_id` is one task.
							splittable: info.type === 'collection' && info.options.capped !== true && !selected.get(info.name)?.batches,
						}),
						filterOf: info => filters.get(info.name),
						countOf: async info => (await countAll()).get(info.name),
						label: input.what,
						events: loadEvents,
						signal,
					},
				);
				const countdown = rangeCountdown(tasks);
				let failed = false;
				// A scrubbing load's rules allocate per value: its collector watches the old generation too (collect-garbage.ts).
				const collectGarbage = collectGarbageEvery(undefined, {watchGrowth: staging.scrubber !== undefined});
				// One pool of cursors across collections: a large collection's ranges insert into its one staging collection at once.
				await runSettled(tasks, dumpConcurrency, async task => {
					const {collection: info} = task;
					try {
						await drainRawCursor({
							collection: from.db.collection(info.name),
							filter: task.filter,
							batches: selected.get(info.name)?.batches?.(from.db.collection(info.name)),
							what: 'the copy',
							signal,
							collectGarbage,
							keep: selected.get(info.name)?.keep,
							stopped: () => failed,
							room: async () => staging.room(),
							write: async batch => staging.insert(info.name, batch),
						});
					} catch (error) {
						failed = true;
						throw error;
					}

					// A collection read in ranges is finished once, after its last range.
					if (countdown.finished(task)) await staging.finishCollection(info.name);
				});
				// Live cursors vouch for no counts: theirs were estimates for progress.
				return undefined;
			},
			async close() {
				try {
					await subset?.drop();
				} finally {
					await from.close();
				}
			},
		};
	} catch (error) {
		await subset?.drop().catch(() => {});
		await from.close().catch(() => {});
		throw error;
	}
}

function sameHosts(a: string[], b: string[]): boolean {
	return a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',');
}
