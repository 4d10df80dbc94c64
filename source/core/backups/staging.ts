import type {CollectionTake, Scrubber} from '../scrub/scrubber.js';
import {createHash, randomBytes} from 'node:crypto';
import {EJSON} from '../bson.js';
import type {Db, Document} from 'mongodb';
import {MonarchError, throwIfAborted} from '../errors.js';
import {ignoreEvents, type EventSink} from '../events.js';
import {lockCollection} from '../lease-lock.js';
import {describeError} from '../errors.js';
import {isDataCollection, stagingPrefix, type CollectionInfo} from './collections.js';
import {serverTraits, type ServerTraits} from './server-traits.js';
import {counted} from '../plural.js';
import type {InsertPool} from './insert-pool.js';

/**
 * Restore and copy load into staging collections and swap them in only when
 * everything loaded. A journal document in `monarch_locks`
 * (`_id: 'staging:<runId>'`) says which phase a run is in, so the next run
 * (holding the same lock) knows what a killed run left: staging collections of
 * a run killed while loading are dropped (the target is as it was); a run
 * killed during the swap is finished (every staging collection was complete).
 */
type Journal = {
	_id: string;
	runId: string;
	/** What the run was, e.g. `restore development` (absent in journals that monarch 0.2 wrote). */
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

export type StagingOptions = {
	db: Db;
	/**
	 * The insert workers (one client each to the target of `db`) that every
	 * batch goes through; its owner closes it once the load is over.
	 */
	pool: InsertPool;
	/** Names the job in progress and log events, e.g. `restore development`. */
	label: string;
	/** Expected documents per collection, for progress totals (undefined where unknown: progress then has no total). */
	totals?: Map<string, number | undefined>;
	/**
	 * What the server can do (serverTraits). It decides whether indexes are
	 * built before the documents (FerretDB) or after them (MongoDB, as
	 * mongorestore does), whether dotted names are refused up front, and which
	 * index and collection options are left out with a warning: only those a
	 * server is known to lack. Anything else the server refuses fails the load
	 * before the swap, the target unchanged.
	 */
	server: ServerTraits;
	/**
	 * `--scrub`: given the collections to load, returns the scrubber that
	 * rewrites their documents before they are inserted (or undefined); it may
	 * throw to refuse the rules, before any document is loaded.
	 */
	scrubFor?: ((collections: readonly CollectionInfo[]) => Scrubber | undefined) | undefined;
	events?: EventSink | undefined;
	signal?: AbortSignal | undefined;
};

/** Collections a load cannot take (time-series); fails before anything is touched. */
export function assertLoadable(collections: readonly Pick<CollectionInfo, 'name' | 'type'>[], where: string): void {
	const timeseries = collections.find(collection => collection.type === 'timeseries');
	if (timeseries) {
		throw new MonarchError('usage', `${where}: ${timeseries.name} is a time-series collection, which monarch cannot load yet; nothing was changed`, {
			hint: 'restore it with mongorestore, or leave it out with a QuerySet',
		});
	}
}

/**
 * A load into staging collections of `db`, swapped in at commit. Call
 * `prepare` with every collection of the end state, `insert` raw BSON
 * batches, `finishCollection` once each is loaded (builds its indexes), then
 * `commit`; on any failure call `discard`, which leaves the target as it was.
 */
export class StagingLoad {
	readonly runId = randomBytes(4).toString('hex');
	private readonly db: Db;
	private readonly events: EventSink;
	private readonly options: StagingOptions;
	private readonly plan = new Map<string, CollectionInfo>();
	private readonly loaded = new Map<string, number>();
	private readonly staging = new Map<string, string>();
	private readonly finished = new Set<string>();
	private loadedTotal = 0;
	private grandTotal: number | undefined = 0;
	private prepared = false;
	private committed = false;
	/** Rewrites documents of collections with scrub rules (`--scrub`); set by `prepare`. */
	scrubber: Scrubber | undefined;

	constructor(options: StagingOptions) {
		this.db = options.db;
		this.options = options;
		this.events = options.events ?? ignoreEvents;
	}

	/** The staging collection of a collection. */
	stagingName(name: string): string {
		const existing = this.staging.get(name);
		if (existing) return existing;
		const limit = Math.min(235, 255 - Buffer.byteLength(this.db.databaseName) - 1);
		let staging = `${stagingPrefix}${this.runId}_${name}`;
		if (Buffer.byteLength(staging) > limit) staging = `${stagingPrefix}${this.runId}_${createHash('sha256').update(name).digest('hex').slice(0, 24)}`;
		this.staging.set(name, staging);
		return staging;
	}

	/** Records the run's journal, then creates an empty staging collection (with the source's options) for each collection. */
	async prepare(all: readonly CollectionInfo[]): Promise<void> {
		assertLoadable(all, this.options.label);
		const dotted = !this.options.server.renamesDottedNames ? all.find(collection => collection.name.includes('.')) : undefined;
		if (dotted) {
			// The swap renames staging collections into place; refuse now rather than fail half-way through the swap.
			throw new MonarchError('usage', `${this.options.label}: this server cannot rename the collection "${dotted.name}" (its name holds a dot); nothing was changed`, {
				hint: 'restore it into a MongoDB server, or leave it out with a QuerySet',
			});
		}

		this.scrubber = this.options.scrubFor?.(all);
		// A scrubbed copy leaves out what its classification drops (and, from a personal-data source, what it does not classify).
		const collections = all.filter(collection => collection.type === 'view' || this.takes(collection.name) !== 'nothing');
		for (const collection of collections) this.plan.set(collection.name, collection);
		const totals = [...(this.options.totals?.entries() ?? [])].filter(([name]) => this.takes(name) === 'documents').map(([, count]) => count);
		this.grandTotal = totals.includes(undefined) ? undefined : totals.reduce<number>((sum, count) => sum + (count ?? 0), 0);
		await this.db.collection<Journal>(lockCollection).insertOne({
			_id: `${journalPrefix}${this.runId}`,
			runId: this.runId,
			label: this.options.label,
			phase: 'load',
			startedAt: new Date(),
			collections: collections.map(collection => ({
				name: collection.name,
				staging: this.stagingName(collection.name),
				type: collection.type,
				...(collection.type === 'view' ? {view: EJSON.stringify(collection.options, {relaxed: false})} : {}),
			})),
		});
		this.prepared = true;
		for (const collection of collections) {
			throwIfAborted(this.options.signal, this.options.label);
			if (collection.type === 'view') continue;
			await this.createStaging(collection);
			this.loaded.set(collection.name, 0);
			if (this.options.server.indexesFirst) await this.buildIndexes(collection);
			// Classified `empty`: its options and indexes, none of its documents.
			if (this.takes(collection.name) === 'empty') await this.finishCollection(collection.name);
		}
	}

	/** What the load takes of a collection: everything unless a scrubbed copy's classification says `empty` or `drop`. Sources need not read the documents of the others. */
	takes(name: string): CollectionTake {
		return this.scrubber?.take(name) ?? 'documents';
	}

	/**
	 * Inserts raw BSON documents into a collection's staging collection
	 * (unordered), as they are (scrubbed first, on this thread, where rules
	 * apply), through the pool's workers; resolves once the server confirmed
	 * them all, then counts them and emits progress. The buffers must stay
	 * unchanged until it settles. Await {@link room} before each batch, so the
	 * pool bounds what waits in memory.
	 */
	async insert(name: string, raw: readonly Uint8Array[]): Promise<void> {
		if (this.takes(name) !== 'documents') return;
		if (!this.loaded.has(name)) throw new MonarchError('internal', `${name} is not a collection being loaded`);
		if (raw.length === 0) return;
		const documents = this.scrubber ? this.scrubber.pass(name, raw) : raw;
		throwIfAborted(this.options.signal, this.options.label);
		// The gate found a path nothing classifies: nothing more is written; the source is read on to list every such path.
		if (documents === undefined) {
			const warning = this.scrubber?.gate?.announce();
			if (warning) this.events({type: 'log', level: 'warn', message: `${this.options.label}: ${warning}`});
			return;
		}
		await this.options.pool.insert(this.stagingName(name), documents);
		const count = this.loaded.get(name)! + raw.length;
		this.loaded.set(name, count);
		this.loadedTotal += raw.length;
		const total = this.options.totals ? this.options.totals.get(name) : 0;
		this.events({type: 'progress', task: `${this.options.label}: ${name}`, done: count, total: total === undefined ? undefined : Math.max(count, total), unit: 'docs'});
		this.events({type: 'progress', task: this.options.label, done: this.loadedTotal, total: this.grandTotal === undefined ? undefined : Math.max(this.loadedTotal, this.grandTotal), unit: 'docs'});
	}

	/** Resolves once the insert pool would take another batch at once (by count and bytes in flight). */
	async room(): Promise<void> {
		await this.options.pool.room();
	}

	/** True once the swap began: from then on the journal, not `discard`, decides what happens to the staging collections. */
	get swapping(): boolean {
		return this.committed;
	}

	/** Documents inserted into a collection so far. */
	count(name: string): number {
		return this.loaded.get(name) ?? 0;
	}

	/** Ends a collection's load: builds its indexes now unless they were built first. */
	async finishCollection(name: string): Promise<void> {
		const collection = this.plan.get(name);
		if (!collection || collection.type === 'view' || this.finished.has(name)) return;
		this.finished.add(name);
		if (!this.options.server.indexesFirst) await this.buildIndexes(collection);
		// Once the scrub gate refused, nothing more is written: a 0/0 line would claim a collection was loaded.
		if (this.count(name) === 0 && !this.scrubber?.gate?.failed) {
			this.events({type: 'progress', task: `${this.options.label}: ${name}`, done: 0, total: 0, unit: 'docs'});
		}

		this.events({type: 'staging:collection-loaded', label: this.options.label, collection: name, documents: this.count(name)});
	}

	/**
	 * Swaps every staging collection in (replacing the collection of that
	 * name), recreates views, then drops the target's data collections that
	 * the load does not have, so the end state equals the source.
	 */
	async commit(): Promise<{dropped: string[]}> {
		const journals = this.db.collection<Journal>(lockCollection);
		const journal = await journals.findOne({_id: `${journalPrefix}${this.runId}`});
		if (!journal) throw new MonarchError('internal', `The journal of staging run ${this.runId} is gone`);
		// Everything the swap needs to know is read before it starts, so the half-swapped window holds only the renames and drops.
		const plan = await planSwap(this.db, journal, this.options.server.renameDropsTarget);
		await journals.updateOne({_id: journal._id}, {$set: {phase: 'swap'}});
		this.committed = true;
		const {label} = this.options;
		this.events({type: 'swap:started', label, runId: this.runId, collections: journal.collections.length});
		const {dropped} = await runSwap(this.db, journal, plan);
		if (dropped.length > 0) this.events({type: 'swap:dropped', label, collections: dropped});
		this.events({type: 'swap:finished', label, runId: this.runId, collections: journal.collections.length, dropped});
		return {dropped};
	}

	/** Waits for the batches in flight (nothing may write to a staging collection being dropped), then drops this run's staging collections and journal; the target keeps what it had. Safe to call at any point before commit. */
	async discard(): Promise<void> {
		if (!this.prepared || this.committed) return;
		await this.options.pool.settled();
		await dropRun(this.db, this.runId);
	}

	/**
	 * Builds a collection's indexes on its staging collection, without `_id_`,
	 * `v` and `ns`. On a server known to lack index options (FerretDB) the
	 * others are left out, with a warning naming each index and option; on any
	 * other server a refused index fails the load, naming it and its options.
	 */
	private async buildIndexes(collection: CollectionInfo): Promise<void> {
		const {name} = collection;
		const {server} = this.options;
		const specs = collection.indexes
			.filter(index => !isIdIndex(index))
			.map(index => Object.fromEntries(Object.entries(index).filter(([field]) => field !== 'v' && field !== 'ns')));
		if (specs.length === 0) return;
		throwIfAborted(this.options.signal, this.options.label);
		const started = Date.now();
		const staging = this.stagingName(name);
		const kept = server.indexFields;
		if (kept) {
			for (const spec of specs) {
				const left = Object.keys(spec).filter(field => !kept.has(field));
				if (left.length > 0) this.events({type: 'log', level: 'warn', message: `${name}: index ${String(spec.name)} is created without ${left.join(', ')} (${server.description} keeps only ${[...kept].join(', ')})`});
			}
		}

		const built = kept ? specs.map(spec => Object.fromEntries(Object.entries(spec).filter(([field]) => kept.has(field)))) : specs;
		try {
			await this.db.command({createIndexes: staging, indexes: built});
		} catch (error) {
			throw await this.refusedIndex(name, built, error);
		}

		this.events({type: 'staging:indexes-built', label: this.options.label, collection: name, indexes: specs.length, durationMs: Date.now() - started});
	}

	/** The error for indexes the server refused: finds the index it refuses (one by one) and names it and its options. */
	private async refusedIndex(name: string, specs: Document[], error: unknown): Promise<MonarchError> {
		let culprit: {spec: Document; error: unknown} | undefined;
		for (const spec of specs) {
			try {
				await this.db.command({createIndexes: this.stagingName(name), indexes: [spec]});
			} catch (single) {
				culprit = {spec, error: single};
				break;
			}
		}

		const {spec, error: cause} = culprit ?? {spec: undefined, error};
		const what = spec ? `index ${String(spec.name)} (${EJSON.stringify(spec, {relaxed: true})})` : `the indexes (${specs.map(one => String(one.name)).join(', ')})`;
		return new MonarchError('server-refused', `${this.options.label}: ${this.options.server.description} refused ${what} on ${name}: ${firstLine(describeError(cause))}; nothing was changed`, {
			hint: 'restore into a server that supports that index, or change the index in the source',
			cause,
		});
	}

	/** Creates a collection's staging collection with its options; a server known to lack options gets it without them, with a warning. */
	private async createStaging(collection: CollectionInfo): Promise<void> {
		const staging = this.stagingName(collection.name);
		const options = {...collection.options};
		if (Object.keys(options).length === 0) {
			await this.db.command({create: staging});
			return;
		}

		try {
			await this.db.command({create: staging, ...options});
		} catch (error) {
			const names = Object.keys(options).join(', ');
			if (!this.options.server.lacksCollectionOptions) {
				throw new MonarchError('server-refused', `${this.options.label}: ${this.options.server.description} refused the options ${names} of ${collection.name}: ${firstLine(describeError(error))}; nothing was changed`, {
					hint: 'restore into a server that supports them, or change the collection in the source',
					cause: error,
				});
			}

			await this.db.command({create: staging});
			this.events({type: 'log', level: 'warn', message: `${collection.name}: created without the options ${names} (${this.options.server.description} does not keep them)`});
		}
	}
}

/** The first line of a message: servers' multi-line errors stay one line (the rest is under --verbose, through the cause). */
function firstLine(text: string): string {
	return text.split('\n')[0]!;
}

/** What the journal of a run that reached its swap says. */
export type SwapJournal = {runId: string; label: string | undefined; startedAt: Date; collections: number};

/** Runs whose journal is in the swap phase: swapping now if their restore lock is live, else killed during the swap. */
export async function swapJournals(db: Db): Promise<SwapJournal[]> {
	const journals = await swapPhaseJournals(db);
	return journals.map(journal => ({runId: journal.runId, label: journal.label, startedAt: journal.startedAt, collections: journal.collections.length}));
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
		events({type: 'swap:recovered', runId: journal.runId, label: journal.label, startedAt: journal.startedAt, collections: journal.collections.length, dropped});
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
	return db.collection<Journal>(lockCollection).find({_id: {$regex: `^${journalPrefix}`}, phase: 'swap'}).toArray();
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

async function dropRun(db: Db, runId: string): Promise<void> {
	const prefix = `${stagingPrefix}${runId}_`;
	for (const entry of await db.listCollections({}, {nameOnly: true}).toArray()) {
		if (entry.name.startsWith(prefix)) await db.collection(entry.name).drop().catch(ignoreMissing);
	}

	await db.collection<Journal>(lockCollection).deleteOne({_id: `${journalPrefix}${runId}`});
}

function isIdIndex(index: Document): boolean {
	const key = index.key as Document | undefined;
	return index.name === '_id_' || (key !== undefined && Object.keys(key).length === 1 && Object.keys(key)[0] === '_id' && !index.unique && index.name === undefined);
}

function ignoreMissing(error: unknown): void {
	if ((error as {code?: unknown}).code === namespaceNotFound) return;
	if (/ns not found|does not exist/i.test((error as Error).message ?? '')) return;
	throw error;
}
