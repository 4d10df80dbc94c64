import {now} from '../clock.js';
import {countForProgress} from '../collections.js';
import type {ProjectConfig} from '../config/load.js';
import {type Connection, connect} from '../connection.js';
import {type Environment, findEnvironment} from '../environments.js';
import {MonarchError, throwIfAborted} from '../errors.js';
import {type EventSink, ignoreEvents, type OperationOptions} from '../events.js';
import type {HeldLock} from '../lease-lock.js';
import {discoverMigrations, type MigrationFile} from '../migrations/discover.js';
import {type HistoryEntry, historyCollection, readHistory} from '../migrations/history.js';
import {loadMigration, type MigrateResult, migrate} from '../migrations/run.js';
import {counted} from '../plural.js';
import type {Prompter} from '../prompts.js';
import {openCopySource} from '../restore/copy.js';
import {runRestore} from '../restore/restore-flow.js';
import {markScratchDatabase, scratchDatabaseName} from '../scratch-databases.js';
import {planScrub, type ScrubChoice, type ScrubPlan} from '../scrub/policy.js';
import type {SubsetRequest} from '../subset/subset-for.js';
import {nothingPending, type RehearsalReport, type RehearsalStamp, rehearsalReport, type ScratchOutcome} from './report.js';
import {diffSnapshots, snapshotDatabase} from './snapshot.js';
import {rehearsalStamp, serverTime} from './stamp.js';
import {storeRehearsal} from './stored.js';
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
	/** `--subset` and its flags: rehearse on a slice that follows the references (its whole `monarch_migrations` too). */
	subset?: SubsetRequest | undefined;
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
 * drop the scratch database unless `keep`; then store the report in
 * `rehearsals/` of every backup location (stored.ts), nothing-pending ones
 * too (they prove, at the server's time, that the pending set was empty).
 *
 * A migration that fails is the report's verdict (`passed: false`), not an
 * exception. Anything else that goes wrong (usage, a copy that fails, an
 * abort) throws a MonarchError after the scratch database is dropped.
 */
export async function rehearse(options: RehearseOptions): Promise<RehearsalReport> {
	const events = reportingScratchOnce(options.events ?? ignoreEvents);
	const report = await rehearseAndReport({...options, events});
	await storeRehearsal(options.config, report, {events, signal: options.signal});
	return report;
}

/** The rehearsal itself, up to its report (which `rehearse` then stores). */
async function rehearseAndReport(options: RehearseOptions & {events: EventSink}): Promise<RehearsalReport> {
	const {config, signal, events} = options;
	const source = findEnvironment(config.environments, options.environment, config.displayFile);
	const target = rehearsalEnvironment(config, source);
	const scrub = scrubPlanOf(options, source, target);
	const files = await discoverMigrations(config.migrationsDir);

	const reading = await connect(source, {access: 'read', events});
	try {
		if (reading.interruptedSwap) {
			throw new MonarchError(
				'blocked',
				`rehearse ${source.name}: ${source.name} is half-swapped by a restore or copy that was killed; nothing was copied`,
				{
					hint: `run \`monarch recover ${source.name}\` first`,
				},
			);
		}

		const pending = pendingOf(files, await readHistory(reading.db));
		const scrubbed = scrub?.scrub === true;
		if (pending.length === 0) {
			const stamp = rehearsalStamp(source.name, await copyTime(reading, events), pending, scrubbed);
			return nothingPending(source, target, files.length, stamp);
		}

		// Every pending file must load before anything is copied: a syntax error costs no copy.
		for (const file of pending) await loadMigration(file);
		throwIfAborted(signal, `the rehearsal of ${source.name}`);

		// The copy starts now: the source server's time dates the report, this machine's (fixed by MONARCH_NOW in tests) names the scratch database.
		const stamp = rehearsalStamp(source.name, await copyTime(reading, events), pending, scrubbed);
		const scratch = scratchEnvironment(target, scratchDatabaseName(source.database, now()));
		return await rehearseInScratchDatabase({options, events, source, target, scratch, stamp, reading, scrub});
	} finally {
		await reading.close();
	}
}

/** The copy's scrub plan: `--scrub`/`--no-scrub`, else `rehearsal.scrub`; a kept copy always has one (planScrub refuses it without a needed choice). */
function scrubPlanOf(options: RehearseOptions, source: Environment, target: Environment): ScrubPlan | undefined {
	const {config} = options;
	const choice = options.scrub ?? (config.rehearsal.scrub ? true : undefined);
	if (!options.keep && choice === undefined) return undefined;
	return planScrub(config, source, target, choice, `rehearse ${source.name}${options.keep ? ' --keep' : ''}`);
}

type Rehearsal = {
	options: RehearseOptions;
	events: EventSink;
	source: Environment;
	target: Environment;
	scratch: Environment;
	stamp: RehearsalStamp;
	reading: Connection;
	scrub: ScrubPlan | undefined;
};

type ScratchRun = Rehearsal & {
	scratchConnection: Connection;
	/** The scratch database's marker (scratch-databases.ts), set once the source is open, before anything is copied. */
	marker?: HeldLock | undefined;
};

/** Opens the scratch database (refusing one that holds anything), rehearses there, then keeps or drops it; an error drops it. */
async function rehearseInScratchDatabase(rehearsal: Rehearsal): Promise<RehearsalReport> {
	const {options, source, target, scratch} = rehearsal;
	const scratchConnection = await connect(scratch, {access: 'read'});
	try {
		const existing = await scratchConnection.db.listCollections({}, {nameOnly: true}).toArray();
		if (existing.length > 0) {
			throw new MonarchError(
				'refused',
				`rehearse ${source.name}: database ${scratch.database} already exists on ${target.name}'s server with ${counted(existing.length, 'collection')}; it is never overwritten`,
				{
					hint: 'drop it, or run again in a second',
				},
			);
		}

		const run: ScratchRun = {...rehearsal, scratchConnection};
		try {
			const report = await rehearseOnScratch(run);
			await keepOrDrop(run);
			return {...report, scratch: {...report.scratch, kept: Boolean(options.keep)}};
		} catch (error) {
			await dropAfterFailure(run);
			throw error;
		}
	} finally {
		await scratchConnection.close();
	}
}

/** Copy, hash, migrate, hash, diff: the part that writes, only ever to the scratch database. */
async function rehearseOnScratch(run: ScratchRun): Promise<RehearsalReport> {
	const {events} = run;
	const {signal} = run.options;
	const copy = await copyToScratch(run);
	const before = await snapshotDatabase(run.scratchConnection.db, {phase: 'hash before', events, signal});
	throwIfAborted(signal, `the rehearsal of ${run.source.name}`);
	const {result, logs} = await migrateScratch(run);
	const after = await snapshotDatabase(run.scratchConnection.db, {phase: 'hash after', events, signal});
	const collections = diffSnapshots(before, after);
	return rehearsalReport({
		source: run.source,
		target: run.target,
		scratch: run.scratch,
		stamp: run.stamp,
		copy,
		migrations: result.migrations,
		logs,
		collections,
	});
}

/** What the copy put in the scratch database, for the report. */
type Copied = ScratchOutcome['copy'];

/** Copies the source (or a QuerySet's part, with its whole `monarch_migrations`) into the scratch database through the one copy path. */
async function copyToScratch(run: ScratchRun): Promise<Copied> {
	const {options, events, source, target, scratch} = run;
	const {config, signal, prompter} = options;
	const started = performance.now();
	const copied = await runRestore({
		config,
		scrub: run.scrub,
		target: scratch,
		open: async () => openMarked(run),
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
	if (querySet || copied.source.subset) {
		sourceDocuments = 0;
		for (const entry of data) sourceDocuments += await countForProgress(run.reading.db, entry.name);
	}

	events({
		type: 'rehearse:copied',
		source: source.name,
		environment: target.name,
		database: scratch.database,
		collections: data.length,
		documents,
		durationMs: copyMs,
	});
	const slice = copied.source.subset;
	const subset = slice ? {roots: slice.roots, follow: slice.follow, only: slice.only, seed: slice.seed} : null;
	return {querySet, subset, copied: {collections: data.length, documents, sourceDocuments}, copyMs};
}

/**
 * Opens the copy's source (a QuerySet's questions answered), then marks the
 * scratch database as this run's, before anything is copied: a run killed
 * from then on leaves a database the next writing command on that server drops.
 */
async function openMarked(run: ScratchRun): ReturnType<typeof openCopySource> {
	const {options, events, source, scratch} = run;
	const {config, signal, prompter} = options;
	const what = `rehearse ${source.name}`;
	const opened = await openCopySource({
		config,
		source,
		target: scratch,
		querySet: options.querySet,
		subset: options.subset,
		prompter,
		access: 'read',
		alsoWhole: [historyCollection],
		what,
		events,
		signal,
	});
	try {
		run.marker = await markScratchDatabase(run.scratchConnection.db, {leaseMs: config.lock.leaseMs, signal});
	} catch (error) {
		await opened.close?.().catch(() => {});
		throw error;
	}

	return opened;
}

type Migrated = {result: MigrateResult; logs: Map<string, string[]>};

/** `migrate` on the scratch database as it is (same engine, lock and events; the copied history decides what runs), with each one's log. */
async function migrateScratch(run: ScratchRun): Promise<Migrated> {
	const {options, events} = run;
	const logs = new Map<string, string[]>();
	const recording: EventSink = event => {
		events(event);
		if (event.type === 'log' && event.source !== undefined) logs.set(event.source, [...(logs.get(event.source) ?? []), event.message]);
	};

	const {config, prompter, signal} = options;
	const result = await migrate({config, environment: run.scratch, prompter, yes: true, safetyBackup: false, events: recording, signal});
	return {result, logs};
}

/** After a rehearsal: a kept copy is the user's (unmarked, nothing drops it); else its marker goes with the database. */
async function keepOrDrop(run: ScratchRun): Promise<void> {
	const {database} = run.scratch;
	if (run.options.keep) {
		await run.marker?.release();
		run.events({type: 'rehearse:kept', database});
		return;
	}

	await run.marker?.stop();
	await run.scratchConnection.db.dropDatabase();
	run.events({type: 'rehearse:dropped', database});
}

/**
 * Whatever stopped the rehearsal (a failed copy, Ctrl+C), the scratch copy
 * goes, `--keep` or not, its marker with it; said only when there was
 * something to drop.
 */
async function dropAfterFailure(run: ScratchRun): Promise<void> {
	const {db} = run.scratchConnection;
	await run.marker?.stop().catch(() => {});
	const made = await db
		.listCollections({}, {nameOnly: true})
		.toArray()
		.then(
			list => list.length > 0,
			() => true,
		);
	await db.dropDatabase().then(
		() => {
			if (made) run.events({type: 'rehearse:dropped', database: run.scratch.database});
		},
		() => {},
	);
}

/** When the copy is taken, as the source's server sees it; this machine's clock (said in a warning) only when the server tells no time. */
async function copyTime(reading: Connection, events: EventSink): Promise<Date> {
	const time = await serverTime(reading.db);
	if (time) return time;
	events({type: 'log', level: 'warn', message: "The source's server told no time; the report is dated by this machine's clock"});
	return now();
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
