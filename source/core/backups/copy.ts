import type {Document, FindCursor} from 'mongodb';
import type {ProjectConfig} from '../config/load.js';
import {confirmDestructive} from '../confirm.js';
import {connect, type Connection} from '../connection.js';
import {findEnvironment} from '../environments.js';
import {MonarchError, throwIfAborted} from '../errors.js';
import {ignoreEvents, type OperationOptions} from '../events.js';
import type {Prompter} from '../prompts.js';
import {runQuerySet} from '../querysets/run.js';
import type {QuerySetRun} from '../querysets/selection.js';
import type {BackupResult} from './backup.js';
import {countForProgress, describeCollections} from './collections.js';
import {dumpConcurrency} from './dump.js';
import {assertLoadable} from './staging.js';
import {runSettled} from '../pool.js';
import {loadIntoTarget, safetyStoreFor} from './target.js';

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
};

/**
 * Copies one environment's database (or a QuerySet's part of it) into
 * another, streaming documents as raw BSON with no temporary file, through
 * the same staging and swap as restore: the end state equals the source.
 */
export async function copyDatabase(options: CopyOptions): Promise<CopyResult> {
	const {config, signal} = options;
	const events = options.events ?? ignoreEvents;
	if (options.from === options.to) {
		throw new MonarchError('usage', `copy_db ${options.from}:${options.to}: the source and the target are the same environment`, {hint: 'copy into another environment'});
	}

	const source = findEnvironment(config.environments, options.from, config.displayFile);
	const target = findEnvironment(config.environments, options.to, config.displayFile);
	if (source.database === target.database && sameHosts(source.hosts, target.hosts)) {
		throw new MonarchError('usage', `copy_db ${source.name}:${target.name}: both are database ${source.database} on ${source.hosts.join(',')}`, {hint: 'copy into another database'});
	}

	const safetyStore = safetyStoreFor(config, target, options.safetyBackup ?? true);
	const connections: Connection[] = [];
	try {
		const from = await connect(source, {access: 'write', lock: config.lock, events, signal});
		connections.push(from);
		const querySet: QuerySetRun | undefined = options.querySet
			? await runQuerySet({config, name: options.querySet, database: from.db, environment: source.name, prompter: options.prompter, events, signal})
			: undefined;
		const to = await connect(target, {access: 'write', lock: config.lock, events, signal});
		connections.push(to);

		const filters = new Map(querySet?.selection.collections.map(entry => [entry.name, entry.filter as Document]));
		const infos = await describeCollections(from.db, querySet ? [...filters.keys()] : undefined);
		assertLoadable(infos, `copy_db ${source.name}:${target.name}`);
		const what = querySet ? `QuerySet ${querySet.name} of ${source.name}` : source.name;
		await confirmDestructive(target, `Copy ${what} (database ${source.database}) into ${target.name} (database ${target.database}), replacing its data`, {
			yes: options.yes,
			prompter: options.prompter,
		});

		const totals = new Map<string, number>();
		for (const info of infos) {
			if (info.type === 'view') continue;
			totals.set(info.name, await countForProgress(from.db, info.name, filters.get(info.name)));
		}

		const loaded = await loadIntoTarget({
			config,
			target,
			db: to.db,
			label: `copy ${source.name} to ${target.name}`,
			kind: 'copy',
			safetyStore,
			totals,
			events,
			signal,
			async load(staging) {
				await staging.prepare(infos);
				let failed = false;
				await runSettled(infos.filter(info => info.type !== 'view'), dumpConcurrency, async info => {
					const cursor: FindCursor = from.db.collection(info.name).find(filters.get(info.name) ?? {}, {raw: true, batchSize: 1000});
					try {
						let pending: Promise<void> | undefined;
						try {
							while (await cursor.hasNext()) {
								throwIfAborted(signal, 'the copy');
								if (failed) return;
								const batch = cursor.readBufferedDocuments() as unknown as Buffer[];
								if (pending) await pending;
								pending = staging.insert(info.name, batch);
								// It is awaited after the next read; until then a failure must not count as unhandled (Node would exit).
								pending.catch(() => {});
							}
						} catch (error) {
							failed = true;
							throw error;
						} finally {
							// Nothing may still write to a staging collection when it is dropped.
							if (pending) await pending.catch(() => {});
						}
					} finally {
						await cursor.close().catch(() => {});
					}

					await staging.finishCollection(info.name);
				});
			},
		});

		return {
			from: source.name,
			to: target.name,
			sourceDatabase: source.database,
			database: target.database,
			querySet: querySet ? {name: querySet.name, answers: querySet.answers} : null,
			collections: [...totals.keys()].map(name => ({name, count: loaded.counts.get(name) ?? 0})),
			dropped: loaded.dropped,
			safetyBackup: loaded.safetyBackup,
		};
	} finally {
		for (const connection of connections) await connection.close().catch(() => {});
	}
}

function sameHosts(a: string[], b: string[]): boolean {
	return a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',');
}
