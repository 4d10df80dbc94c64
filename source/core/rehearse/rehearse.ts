import type {ProjectConfig} from '../config/load.js';
import {openCopySource} from '../backups/copy.js';
import {countForProgress} from '../backups/collections.js';
import {runRestore} from '../backups/restore-flow.js';
import {planScrub, type ScrubChoice, type ScrubPlan} from '../scrub/policy.js';
import {now} from '../clock.js';
import {connect, type Connection} from '../connection.js';
import {findEnvironment, type Environment} from '../environments.js';
import {firstLine, isMonarchError, MonarchError, throwIfAborted} from '../errors.js';
import {ignoreEvents, type EventSink, type OperationOptions} from '../events.js';
import type {HeldLock} from '../lease-lock.js';
import {discoverMigrations, type MigrationFile} from '../migrations/discover.js';
import {historyCollection, readHistory, type HistoryEntry} from '../migrations/history.js';
import {loadMigration, migrate} from '../migrations/run.js';
import {counted} from '../plural.js';
import type {Prompter} from '../prompts.js';
import type {RehearsalReport, RehearsedMigration} from './report.js';
import {diffSnapshots, snapshotDatabase} from './snapshot.js';
import {markScratchDatabase, scratchDatabaseName} from '../scratch-databases.js';
import {rehearsalEnvironment, scratchEnvironment} from './target.js';

export type RehearseOptions = OperationOptions & {
	config: ProjectConfig;
	/** The environment rehearsed: read, never written to. */
	environment: string;
	/** `-q`: rehearse on what this QuerySet picks of the source (its questions go to the prompter). */
	querySet?: string | undefined;
	/** `--keep`: leave the scratch database for inspection. */
	keep?: boolean | undefined;
	/**
	 * `--scrub` / `--no-scrub` (default: `rehearsal.scrub` of monarch.json). A rehearsal copies faithfully by default (the
	 * migrations meet the real data) and drops the copy; a kept copy of a
	 * source marked `personalData` on an unprotected server needs the choice.
	 */
	scrub?: ScrubChoice;
	prompter: Prompter;
	/** `--workers`: how many insert workers load the copy; 0 for the main thread; default in workers.ts (the main thread on 2 cores or fewer). */
	workers?: number | undefined;
};

/**
 * `monarch rehearse <env>`: runs the source's pending migrations on a scratch
 * copy of it and reports what they did. In order: pick the rehearsal
 * environment (refusing a protected one, or the source, before anything is
 * opened); read the source's history (read access: the source is never
 * written to) and load every pending migration file; copy the source (or a
 * QuerySet's part of it, with its whole `monarch_migrations`) into
 * `<database>_rehearsal_<stamp>` on the rehearsal environment's server
 * through the one copy path (`runRestore` with the copy source), refusing a
 * database of that name that holds anything, and marking it as this run's
 * once the source is open, before anything is copied (scratch-databases.ts:
 * a killed run's copy is dropped by the next command that writes on that
 * server); hash every document; run
 * `migrate` there (same engine, lock, logs and events); hash again and diff;
 * drop the scratch database unless `keep`.
 *
 * A migration that fails is the report's verdict (`passed: false`), not an
 * exception. Anything else that goes wrong (usage, a copy that fails, an
 * abort) throws a MonarchError after the scratch database is dropped.
 */
export async function rehearse(options: RehearseOptions): Promise<RehearsalReport> {
	const {config, signal, prompter} = options;
	const events = reportingScratchOnce(options.events ?? ignoreEvents);
	const source = findEnvironment(config.environments, options.environment, config.displayFile);
	const target = rehearsalEnvironment(config, source);
	const choice = options.scrub ?? (config.rehearsal.scrub ? true : undefined);
	const scrub = options.keep || choice !== undefined ? planScrub(config, source, target, choice, `rehearse ${source.name}${options.keep ? ' --keep' : ''}`) : undefined;
	const files = await discoverMigrations(config.migrationsDir);

	const reading = await connect(source, {access: 'read', events});
	try {
		if (reading.interruptedSwap) {
			throw new MonarchError('blocked', `rehearse ${source.name}: ${source.name} is half-swapped by a restore or copy that was killed; nothing was copied`, {
				hint: `run \`monarch recover ${source.name}\` first`,
			});
		}

		const pending = pendingOf(files, await readHistory(reading.db));
		if (pending.length === 0) return nothingPending(source, target, files.length);

		// Every pending file must load before anything is copied: a syntax error costs no copy.
		for (const file of pending) await loadMigration(file);
		throwIfAborted(signal, `the rehearsal of ${source.name}`);

		// The copy starts now: its time names the scratch database and dates the report.
		const takenAt = now();
		const scratch = scratchEnvironment(target, scratchDatabaseName(source.database, takenAt));

		const scratchConnection = await connect(scratch, {access: 'read'});
		try {
			const existing = await scratchConnection.db.listCollections({}, {nameOnly: true}).toArray();
			if (existing.length > 0) {
				throw new MonarchError('refused', `rehearse ${source.name}: database ${scratch.database} already exists on ${target.name}'s server with ${counted(existing.length, 'collection')}; it is never overwritten`, {
					hint: 'drop it, or run again in a second',
				});
			}

			// Its owner's mark, once the source is open (a QuerySet's questions answered) and before anything is copied: a run killed from then on leaves a database the next writing command on that server drops.
			let marker: HeldLock | undefined;
			const mark = async () => {
				marker = await markScratchDatabase(scratchConnection.db, {leaseMs: config.lock.leaseMs, signal});
			};

			try {
				const report = await rehearseOnScratch({options, events, source, target, scratch, takenAt, reading, scratchConnection, scrub, mark});
				if (options.keep) {
					await marker?.release(); // a kept copy is the user's: unmarked, nothing drops it
					events({type: 'rehearse:kept', database: scratch.database});
				} else {
					await marker?.stop(); // the marker goes with the database
					await scratchConnection.db.dropDatabase();
					events({type: 'rehearse:dropped', database: scratch.database});
				}

				return {...report, scratch: {...report.scratch, kept: Boolean(options.keep)}};
			} catch (error) {
				// Whatever stopped the rehearsal (a failed copy, Ctrl+C), the scratch copy goes, `--keep` or not, its marker with it; said only when there was something to drop.
				await marker?.stop().catch(() => {});
				const made = await scratchConnection.db.listCollections({}, {nameOnly: true}).toArray().then(list => list.length > 0, () => true);
				await scratchConnection.db.dropDatabase().then(
					() => {
						if (made) events({type: 'rehearse:dropped', database: scratch.database});
					},
					() => {},
				);
				throw error;
			}
		} finally {
			await scratchConnection.close();
		}
	} finally {
		await reading.close();
	}
}

type ScratchRun = {
	options: RehearseOptions;
	events: EventSink;
	source: Environment;
	target: Environment;
	scratch: Environment;
	takenAt: Date;
	reading: Connection;
	scratchConnection: Connection;
	scrub: ScrubPlan | undefined;
	/** Marks the scratch database as this run's (scratch-databases.ts); called once the source is open, before anything is copied. */
	mark: () => Promise<void>;
};

/** Copy, hash, migrate, hash, diff: the part that writes, only ever to the scratch database. */
async function rehearseOnScratch(run: ScratchRun): Promise<RehearsalReport> {
	const {options, events, source, target, scratch, takenAt} = run;
	const {config, signal, prompter} = options;

	const started = performance.now();
	const copied = await runRestore({
		config,
		scrub: run.scrub,
		target: scratch,
		async open() {
			const opened = await openCopySource({config, source, target: scratch, querySet: options.querySet, prompter, access: 'read', alsoWhole: [historyCollection], what: `rehearse ${source.name}`, events, signal});
			try {
				await run.mark();
			} catch (error) {
				await opened.close?.().catch(() => {});
				throw error;
			}

			return opened;
		},
		yes: true,
		safetyBackup: false,
		workers: options.workers,
		prompter,
		events,
		signal,
	});
	const copyMs = Math.round(performance.now() - started);
	const data = copied.collections.filter(entry => entry.name !== historyCollection);
	const documents = data.reduce((sum, entry) => sum + entry.count, 0);
	const querySet = copied.source.querySet ? {name: copied.source.querySet.name, answers: copied.source.querySet.answers} : null;
	let sourceDocuments = documents;
	if (querySet) {
		sourceDocuments = 0;
		for (const entry of data) sourceDocuments += await countForProgress(run.reading.db, entry.name);
	}

	events({type: 'rehearse:copied', source: source.name, environment: target.name, database: scratch.database, collections: data.length, documents, durationMs: copyMs});

	// What is pending is what the copied history says: the copy is what `migrate` decides on.
	const copiedHistory = await readHistory(run.scratchConnection.db);
	const pending = pendingOf(await discoverMigrations(config.migrationsDir), copiedHistory);
	const before = await snapshotDatabase(run.scratchConnection.db, {phase: 'hash before', events, signal});
	throwIfAborted(signal, `the rehearsal of ${source.name}`);

	const ran = new Map<string, {state: 'Completed' | 'Failed'; durationMs: number; error: string | undefined}>();
	const logs = new Map<string, string[]>(pending.map(file => [file.key, []]));
	const recording: EventSink = event => {
		events(event);
		if (event.type === 'migration:end') ran.set(event.key, {state: event.state, durationMs: event.durationMs, error: event.error});
		else if (event.type === 'log' && event.source !== undefined) logs.get(event.source)?.push(event.message);
	};

	let failed: {key: string; error: string} | undefined;
	try {
		await migrate({
			config: {...config, environments: [...config.environments, scratch], migrate: {safetyBackup: false}},
			environment: scratch.name,
			prompter,
			yes: true,
			safetyBackup: false,
			events: recording,
			signal,
		});
	} catch (error) {
		if (!isMonarchError(error) || (error.code !== 'migration-failed' && error.code !== 'blocked')) throw error;
		const failedRun = [...ran].find(([, entry]) => entry.state === 'Failed');
		failed = failedRun
			? {key: failedRun[0], error: firstLine(failedRun[1].error ?? error.message).trim()}
			: {key: blockingKey(pending, copiedHistory) ?? pending[0]!.key, error: firstLine(error.message).trim()};
	}

	const after = await snapshotDatabase(run.scratchConnection.db, {phase: 'hash after', events, signal});
	const estimate = (durationMs: number | undefined) => (querySet && durationMs !== undefined ? Math.round((durationMs * sourceDocuments) / Math.max(1, documents)) : undefined);
	const migrations: RehearsedMigration[] = pending.map(file => {
		const entry = ran.get(file.key);
		const log = logs.get(file.key) ?? [];
		if (entry) return {key: file.key, state: entry.state, durationMs: entry.durationMs, estimatedMs: estimate(entry.durationMs), error: entry.error === undefined ? undefined : firstLine(entry.error).trim(), log};
		if (failed?.key === file.key) return {key: file.key, state: 'Failed', durationMs: undefined, estimatedMs: undefined, error: failed.error, log};
		return {key: file.key, state: 'NotRun', durationMs: undefined, estimatedMs: undefined, error: undefined, log};
	});

	const what = querySet ? `${source.name} (QuerySet ${querySet.name})` : source.name;
	const at = `${takenAt.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
	const passedCount = migrations.filter(migration => migration.state === 'Completed').length;
	const line = failed
		? `${failed.key} failed on a copy of ${what} taken at ${at}: ${failed.error} (${passedCount} of ${counted(pending.length, 'pending migration')} passed before it)`
		: `${pending.length === 1 ? 'The 1 pending migration' : `All ${pending.length} pending migrations`} passed on a copy of ${what} taken at ${at}`;

	return {
		source: {environment: source.name, database: source.database},
		scratch: {environment: target.name, database: scratch.database, kept: false},
		takenAt: takenAt.toISOString(),
		querySet,
		copied: {collections: data.length, documents, sourceDocuments},
		copyMs,
		migrations,
		collections: diffSnapshots(before, after),
		verdict: {passed: failed === undefined, pending: pending.length, failed, line},
	};
}

/** `events`, but the abandoned scratch databases of a server said once: a rehearsal opens its source for reading twice (its history, then the copy). */
function reportingScratchOnce(events: EventSink): EventSink {
	const said = new Set<string>();
	return event => {
		if (event.type === 'scratch:abandoned') {
			const key = event.databases.map(scratch => scratch.database).join(',');
			if (said.has(key)) return;
			said.add(key);
		}

		events(event);
	};
}

/** The files not Completed in `entries`, in order: what `migrate` runs. */
function pendingOf(files: MigrationFile[], entries: Map<string, HistoryEntry>): MigrationFile[] {
	return files.filter(file => entries.get(file.key)?.state !== 'Completed');
}

/** The pending migration that blocks the others (Failed or interrupted in the history), as `migrate` finds it. */
function blockingKey(pending: MigrationFile[], entries: Map<string, HistoryEntry>): string | undefined {
	return pending.find(file => entries.get(file.key)?.state === 'Failed' || entries.get(file.key)?.state === 'Processing')?.key;
}

/** The report when nothing is pending: nothing was copied, no database made (`scratch.database` is empty). */
function nothingPending(source: Environment, target: Environment, migrations: number): RehearsalReport {
	const all = migrations === 1 ? `the one migration of ${source.name} is` : `all ${migrations} migrations of ${source.name} are`;
	return {
		source: {environment: source.name, database: source.database},
		scratch: {environment: target.name, database: '', kept: false},
		takenAt: now().toISOString(),
		querySet: null,
		copied: {collections: 0, documents: 0, sourceDocuments: 0},
		copyMs: 0,
		migrations: [],
		collections: [],
		verdict: {passed: true, pending: 0, failed: undefined, line: `Nothing to rehearse: ${all} completed`},
	};
}
