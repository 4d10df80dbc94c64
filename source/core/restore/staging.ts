import {createHash, randomBytes} from 'node:crypto';
import type {Db, Document} from 'mongodb';
import {EJSON} from '../bson.js';
import {type CollectionInfo, stagingPrefix} from '../collections.js';
import {describeError, firstLine, MonarchError, throwIfAborted} from '../errors.js';
import {type EventSink, ignoreEvents} from '../events.js';
import type {CollectionTake, Scrubber} from '../scrub/scrubber.js';
import type {ServerTraits} from '../server-traits.js';
import {dropRun, startJournal, swapRun} from '../swap-journal.js';
import type {InsertPool} from './insert-pool.js';

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
		throw new MonarchError(
			'usage',
			`${where}: ${timeseries.name} is a time-series collection, which monarch cannot load yet; nothing was changed`,
			{
				hint: 'restore it with mongorestore, or leave it out with a QuerySet',
			},
		);
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
		if (Buffer.byteLength(staging) > limit)
			staging = `${stagingPrefix}${this.runId}_${createHash('sha256').update(name).digest('hex').slice(0, 24)}`;
		this.staging.set(name, staging);
		return staging;
	}

	/** Records the run's journal, then creates an empty staging collection (with the source's options) for each collection. */
	async prepare(all: readonly CollectionInfo[]): Promise<void> {
		assertLoadable(all, this.options.label);
		const dotted = !this.options.server.renamesDottedNames ? all.find(collection => collection.name.includes('.')) : undefined;
		if (dotted) {
			// The swap renames staging collections into place; refuse now rather than fail half-way through the swap.
			throw new MonarchError(
				'usage',
				`${this.options.label}: this server cannot rename the collection "${dotted.name}" (its name holds a dot); nothing was changed`,
				{
					hint: 'restore it into a MongoDB server, or leave it out with a QuerySet',
				},
			);
		}

		this.scrubber = this.options.scrubFor?.(all);
		// A scrubbed copy leaves out what its classification drops (and, from a personal-data source, what it does not classify).
		const collections = all.filter(collection => collection.type === 'view' || this.takes(collection.name) !== 'nothing');
		for (const collection of collections) this.plan.set(collection.name, collection);
		const totals = [...(this.options.totals?.entries() ?? [])]
			.filter(([name]) => this.takes(name) === 'documents')
			.map(([, count]) => count);
		this.grandTotal = totals.includes(undefined) ? undefined : totals.reduce<number>((sum, count) => sum + (count ?? 0), 0);
		await startJournal(this.db, {
			runId: this.runId,
			label: this.options.label,
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
		this.events({
			type: 'progress',
			task: `${this.options.label}: ${name}`,
			done: count,
			total: total === undefined ? undefined : Math.max(count, total),
			unit: 'docs',
		});
		this.events({
			type: 'progress',
			task: this.options.label,
			done: this.loadedTotal,
			total: this.grandTotal === undefined ? undefined : Math.max(this.loadedTotal, this.grandTotal),
			unit: 'docs',
		});
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
		const {label} = this.options;
		const {collections, dropped} = await swapRun(this.db, this.runId, this.options.server.renameDropsTarget, count => {
			this.committed = true;
			this.events({type: 'swap:started', label, runId: this.runId, collections: count});
		});
		if (dropped.length > 0) this.events({type: 'swap:dropped', label, collections: dropped});
		this.events({type: 'swap:finished', label, runId: this.runId, collections, dropped});
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
				if (left.length > 0)
					this.events({
						type: 'log',
						level: 'warn',
						message: `${name}: index ${String(spec.name)} is created without ${left.join(', ')} (${server.description} keeps only ${[...kept].join(', ')})`,
					});
			}
		}

		const built = kept ? specs.map(spec => Object.fromEntries(Object.entries(spec).filter(([field]) => kept.has(field)))) : specs;
		try {
			await this.db.command({createIndexes: staging, indexes: built});
		} catch (error) {
			throw await this.refusedIndex(name, built, error);
		}

		this.events({
			type: 'staging:indexes-built',
			label: this.options.label,
			collection: name,
			indexes: specs.length,
			durationMs: Date.now() - started,
		});
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
		const what = spec
			? `index ${String(spec.name)} (${EJSON.stringify(spec, {relaxed: true})})`
			: `the indexes (${specs.map(one => String(one.name)).join(', ')})`;
		return new MonarchError(
			'server-refused',
			`${this.options.label}: ${this.options.server.description} refused ${what} on ${name}: ${firstLine(describeError(cause))}; nothing was changed`,
			{
				hint: 'restore into a server that supports that index, or change the index in the source',
				cause,
			},
		);
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
				throw new MonarchError(
					'server-refused',
					`${this.options.label}: ${this.options.server.description} refused the options ${names} of ${collection.name}: ${firstLine(describeError(error))}; nothing was changed`,
					{
						hint: 'restore into a server that supports them, or change the collection in the source',
						cause: error,
					},
				);
			}

			await this.db.command({create: staging});
			this.events({
				type: 'log',
				level: 'warn',
				message: `${collection.name}: created without the options ${names} (${this.options.server.description} does not keep them)`,
			});
		}
	}
}

function isIdIndex(index: Document): boolean {
	const key = index.key as Document | undefined;
	return (
		index.name === '_id_' ||
		(key !== undefined && Object.keys(key).length === 1 && Object.keys(key)[0] === '_id' && !index.unique && index.name === undefined)
	);
}
