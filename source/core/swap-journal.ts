import type {Db, Document} from 'mongodb';
import {EJSON} from './bson.js';
import {type CollectionInfo, isDataCollection, stagingPrefix} from './collections.js';
import {MonarchError} from './errors.js';
import {type EventSink, ignoreEvents} from './events.js';
import {lockCollection} from './lease-lock.js';
import {serverTraits} from './server-traits.js';

/**
 * The swap journal of restore and copy, on the ground floor: `connect` reads
 * it (an interrupted swap is finished or reported on open) without loading
 * the restore machinery that writes it (backups/staging.ts).
 *
 * Restore and copy load into staging collections and swap them in only when
 * everything loaded. A journal document in `monarch_locks`
 * (`_id: 'staging:<runId>'`) says which phase a run is in, so the next run
 * (holding the same lock) knows what a killed run left: staging collections of
 * a run killed while loading are dropped (the target is as it was); a run
 * killed during the swap is finished (every staging collection was complete).
 */
export type Journal = {
	_id: string;
	runId: string;
	/** What the run was, e.g. `restore development` (absent in journals written before runs were labelled). */
	label?: string;
	phase: 'load' | 'swap';
	startedAt: Date;
	/** Every collection the end state has, in order. */
	collections: Array<{name: string; staging: string; type: CollectionInfo['type']; view?: string}>;
};

/** The lock a restore or copy holds on its target database (in `monarch_locks`), so two cannot interleave; it also guards the journals. */
export const restoreLockName = 'restore';

const journalPrefix = 'staging:';
const namespaceNotFound = 26;

/** Records a run's journal in phase `load`, before its first staging collection is made. */
export async function startJournal(db: Db, journal: Omit<Journal, '_id' | 'phase'>): Promise<void> {
	await db.collection<Journal>(lockCollection).insertOne({_id: `${journalPrefix}${journal.runId}`, phase: 'load', ...journal});
}

/**
 * The swap of a run whose every collection is loaded: reads what the swap
 * needs, switches the journal to `swap` (from then on any later command
 * finishes it), calls `started`, swaps, and returns the journal's collection
 * count and the target's collections it dropped.
 */
export async function swapRun(
	db: Db,
	runId: string,
	renameDropsTarget: boolean,
	started: (collections: number) => void,
): Promise<{collections: number; dropped: string[]}> {
	const journals = db.collection<Journal>(lockCollection);
	const journal = await journals.findOne({_id: `${journalPrefix}${runId}`});
	if (!journal) throw new MonarchError('internal', `The journal of staging run ${runId} is gone`);
	// Everything the swap needs to know is read before it starts, so the half-swapped window holds only the renames and drops.
	const plan = await planSwap(db, journal, renameDropsTarget);
	await journals.updateOne({_id: journal._id}, {$set: {phase: 'swap'}});
	started(journal.collections.length);
	const {dropped} = await runSwap(db, journal, plan);
	return {collections: journal.collections.length, dropped};
}

/** What the journal of a run that reached its swap says. */
export type SwapJournal = {runId: string; label: string | undefined; startedAt: Date; collections: number};

/** Runs whose journal is in the swap phase: swapping now if their restore lock is live, else killed during the swap. */
export async function swapJournals(db: Db): Promise<SwapJournal[]> {
	const journals = await swapPhaseJournals(db);
	return journals.map(journal => ({
		runId: journal.runId,
		label: journal.label,
		startedAt: journal.startedAt,
		collections: journal.collections.length,
	}));
}

/**
 * Finishes the swap of every run killed during it (all of its staging
 * collections were complete), emitting `swap:recovered` for each; call it
 * holding the restore lock. Returns the runs finished.
 */
export async function finishInterruptedSwaps(db: Db, events: EventSink = ignoreEvents): Promise<string[]> {
	const finished: string[] = [];
	for (const journal of await swapPhaseJournals(db)) {
		const {dropped} = await runSwap(db, journal, await planSwap(db, journal, undefined));
		events({
			type: 'swap:recovered',
			runId: journal.runId,
			label: journal.label,
			startedAt: journal.startedAt,
			collections: journal.collections.length,
			dropped,
		});
		finished.push(journal.runId);
	}

	return finished;
}

/**
 * Cleans up after killed runs; call it holding the restore lock (so no run
 * that owns staging collections is alive). A run killed during its swap is
 * finished; everything else staged is dropped. Returns what it did, for a log line.
 */
export async function recoverStaging(db: Db, events: EventSink = ignoreEvents): Promise<{finished: string[]; dropped: string[]}> {
	const finished = await finishInterruptedSwaps(db, events);
	const dropped: string[] = [];
	const names = (await db.listCollections({}, {nameOnly: true}).toArray()).map(entry => entry.name);
	const stale = names.filter(name => name.startsWith(stagingPrefix));
	for (const name of stale) {
		await db.collection(name).drop().catch(ignoreMissing);
		dropped.push(name);
	}

	await db.collection<Journal>(lockCollection).deleteMany({_id: {$regex: `^${journalPrefix}`}, phase: 'load'});
	if (dropped.length > 0) events({type: 'staging:recovered', collections: dropped});
	return {finished, dropped};
}

async function swapPhaseJournals(db: Db): Promise<Journal[]> {
	return db
		.collection<Journal>(lockCollection)
		.find({_id: {$regex: `^${journalPrefix}`}, phase: 'swap'})
		.toArray();
}

/** What a swap does, decided before it starts. */
type SwapPlan = {
	/** Collections of the database before the swap (a killed swap renamed some staging collections already). */
	existing: Set<string>;
	/** The target's data collections that the end state does not have. */
	extra: string[];
	dropTarget: boolean;
};

async function planSwap(db: Db, journal: Journal, renameDropsTarget: boolean | undefined): Promise<SwapPlan> {
	const names = (await db.listCollections({}, {nameOnly: true}).toArray()).map(entry => entry.name);
	const keep = new Set(journal.collections.map(entry => entry.name));
	return {
		existing: new Set(names),
		extra: names.filter(name => isDataCollection(name) && !keep.has(name)),
		dropTarget: renameDropsTarget ?? (await serverTraits(db)).renameDropsTarget,
	};
}

/**
 * The swap: each staging collection renamed onto its collection, views
 * recreated, collections not in the end state dropped, then the journal
 * deleted. Until then the journal (phase `swap`) lets any later command finish it.
 */
async function runSwap(db: Db, journal: Journal, plan: SwapPlan): Promise<{dropped: string[]}> {
	for (const entry of journal.collections) {
		if (entry.type === 'view') {
			await db.collection(entry.name).drop().catch(ignoreMissing);
			const options = EJSON.parse(entry.view ?? '{}', {relaxed: false}) as Document;
			await db.command({create: entry.name, ...options});
		} else if (plan.existing.has(entry.staging)) {
			await replaceCollection(db, entry.staging, entry.name, plan.dropTarget);
		}
	}

	for (const name of plan.extra) await db.collection(name).drop().catch(ignoreMissing);
	await db.collection<Journal>(lockCollection).deleteOne({_id: journal._id});
	return {dropped: plan.extra};
}

/**
 * Renames `from` onto `to`, replacing it. With `dropTarget` (MongoDB) that is
 * one atomic step per collection; without it (FerretDB v1) `to` is dropped
 * first and is missing until the rename: a crash in between leaves the
 * journal in 'swap', and the next command that opens the database finishes it.
 */
async function replaceCollection(db: Db, from: string, to: string, dropTarget: boolean): Promise<void> {
	const admin = db.admin();
	const namespace = (name: string) => `${db.databaseName}.${name}`;
	if (dropTarget) {
		await admin.command({renameCollection: namespace(from), to: namespace(to), dropTarget: true});
		return;
	}

	await db.collection(to).drop().catch(ignoreMissing);
	await admin.command({renameCollection: namespace(from), to: namespace(to)});
}

/** Drops a run's staging collections and its journal: the target keeps what it had. */
export async function dropRun(db: Db, runId: string): Promise<void> {
	const prefix = `${stagingPrefix}${runId}_`;
	for (const entry of await db.listCollections({}, {nameOnly: true}).toArray()) {
		if (entry.name.startsWith(prefix)) await db.collection(entry.name).drop().catch(ignoreMissing);
	}

	await db.collection<Journal>(lockCollection).deleteOne({_id: `${journalPrefix}${runId}`});
}

function ignoreMissing(error: unknown): void {
	if ((error as {code?: unknown}).code === namespaceNotFound) return;
	if (/ns not found|does not exist/i.test((error as Error).message ?? '')) return;
	throw error;
}
