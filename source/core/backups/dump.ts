import type {Writable} from 'node:stream';
import type {Db, Document} from 'mongodb';
import {type ArchiveCollection, ArchiveWriter, dataCollectionName} from '../archive/index.js';
import {collectGarbageEvery} from '../collect-garbage.js';
import {type CollectionInfo, countForProgress, describeCollections, dumpConcurrency} from '../collections.js';
import {MonarchError, throwIfAborted} from '../errors.js';
import {type EventSink, ignoreEvents} from '../events.js';
import {runSettled} from '../pool.js';
import type {SelectedCollection, Selection} from '../querysets/selection.js';
import type {Scrubber} from '../scrub/scrubber.js';
import {type ServerTraits, traitsFor} from '../server-traits.js';
import {monarchVersion} from '../version.js';
import {drainRawCursor} from './drain-cursor.js';
import {planRangeTasks, rangeCountdown, splitThreshold} from './id-ranges.js';
import {type BackupManifest, metadataDigest} from './manifest.js';

export {dumpConcurrency};

export type DumpOptions = {
	db: Db;
	/** Where the gzipped archive goes. */
	output: Writable;
	/** Only these collections, with these filters (a QuerySet's choice); every data collection when absent. */
	selection?: Selection | undefined;
	/** Names this dump in progress events, e.g. `backup production`. */
	label: string;
	/** Cursors at once (collections, or `_id` ranges of a large one); {@link dumpConcurrency} by default. */
	concurrency?: number;
	/** `backups.splitCollections` of monarch.json: from how many documents a collection is read in `_id` ranges (see `splitThreshold`). */
	splitCollections?: {minDocuments: number} | undefined;
	/** `backup --scrub`: the scrubber for the collections dumped (it may throw to refuse the rules, before anything is written). */
	scrubFor?: ((collections: readonly CollectionInfo[]) => Scrubber | undefined) | undefined;
	events?: EventSink | undefined;
	signal?: AbortSignal | undefined;
};

export type DumpResult = {
	serverVersion: string;
	collections: BackupManifest['collections'];
	/** Uncompressed archive bytes. */
	archiveBytes: number;
};

/**
 * Dumps a database as a gzipped mongodump archive into `output`: the
 * collections' options and indexes in the prelude, then their documents as
 * raw BSON (never decoded), several collections at once, a large collection
 * by several cursors over `_id` ranges (their blocks interleave in the
 * archive; its count and CRC cover them in the order written). Ends `output` on
 * success; destroys it on failure or abort, so an atomic store write of it
 * fails and leaves nothing behind.
 */
export async function dumpDatabase(options: DumpOptions): Promise<DumpResult> {
	const {output} = options;
	const concurrency = options.concurrency ?? dumpConcurrency;
	let writer: ArchiveWriter | undefined;
	try {
		const plan = await planDump(options);
		writer = new ArchiveWriter(output, {
			serverVersion: plan.serverVersion,
			toolVersion: `monarch ${monarchVersion}`,
			concurrentCollections: concurrency,
			gzip: true,
		});
		const metadataDigests = await writePrelude(writer, plan);
		await dumpDocuments(writer, plan, options, concurrency);
		throwIfAborted(options.signal, options.label);
		plan.scrubber?.assertClassified();
		return await finishDump(writer, plan, metadataDigests);
	} catch (error) {
		const failure = error instanceof Error ? error : new Error(String(error));
		if (writer) writer.destroy(failure);
		else output.destroy(failure);
		throw error;
	}
}

/** What a dump takes, decided before anything is written. */
type DumpPlan = {
	db: Db;
	serverVersion: string;
	traits: ServerTraits;
	/** The collections in the archive (a scrubbed dump's left out), views included. */
	infos: CollectionInfo[];
	/** A QuerySet's filter per collection; none for a whole database. */
	filters: Map<string, Document>;
	/** The selection's entries by name (a subset's `keep` and `count`). */
	selected: Map<string, SelectedCollection>;
	scrubber: Scrubber | undefined;
	/** Documents per collection that takes documents, counted for progress. */
	totals: Map<string, number>;
	grandTotal: number;
	takesDocuments: (info: CollectionInfo) => boolean;
};

/** The server, the collections (a selection's, less what a scrubbed dump leaves out) and their counts for progress. */
async function planDump(options: DumpOptions): Promise<DumpPlan> {
	const {db, label} = options;
	const events = options.events ?? ignoreEvents;
	const buildInfo = await db.command({buildInfo: 1});
	const serverVersion = String(buildInfo.version ?? 'unknown');
	const filters = new Map(options.selection?.collections.map(entry => [entry.name, entry.filter as Document]));
	const selected = new Map(options.selection?.collections.map(entry => [entry.name, entry]));
	const described = await describeCollections(db, options.selection ? [...filters.keys()] : undefined);
	if (options.selection) {
		const found = new Set(described.map(info => info.name));
		for (const name of filters.keys()) {
			if (!found.has(name))
				events({type: 'log', level: 'warn', message: `Collection ${name} does not exist in ${db.databaseName}: nothing to take from it`});
		}
	}

	const scrubber = options.scrubFor?.(described);
	// A scrubbed backup leaves out what its classification drops (and, from a personal-data source, what it does not classify).
	const infos = scrubber ? described.filter(info => info.type === 'view' || scrubber.take(info.name) !== 'nothing') : described;
	const takesDocuments = (info: CollectionInfo) => info.type !== 'view' && (scrubber?.take(info.name) ?? 'documents') === 'documents';
	throwIfAborted(options.signal, label);
	const totals = new Map<string, number>();
	await Promise.all(
		infos.map(async info => {
			if (!takesDocuments(info)) return;
			totals.set(
				info.name,
				selected.get(info.name)?.count ?? (await countForProgress(db, dataCollectionName(info.name, info.type), filters.get(info.name))),
			);
		}),
	);
	const grandTotal = [...totals.values()].reduce((sum, count) => sum + count, 0);
	return {db, serverVersion, traits: traitsFor(buildInfo), infos, filters, selected, scrubber, totals, grandTotal, takesDocuments};
}

/** Writes the prelude (each collection's options and indexes) and ends the collections without documents; returns each one's metadata digest, for the manifest. */
async function writePrelude(writer: ArchiveWriter, plan: DumpPlan): Promise<Map<string, string>> {
	const database = plan.db.databaseName;
	const prelude = plan.infos.map(
		(info): ArchiveCollection => ({
			db: database,
			collection: info.name,
			type: info.type,
			metadata: {
				options: info.options,
				indexes: info.indexes,
				collectionName: info.name,
				type: info.type,
				...(info.uuid ? {uuid: info.uuid} : {}),
			},
		}),
	);
	await writer.writePrelude(prelude);
	// Views have no documents (nor collections classified `empty`): end them first, before data collections take the open slots.
	for (const info of plan.infos) if (!plan.takesDocuments(info)) await writer.endCollection(database, info.name);
	return new Map(prelude.map(entry => [entry.collection, metadataDigest(entry.metadata)]));
}

/**
 * Reads every collection that takes documents into the archive, `concurrency`
 * cursors at once (whole collections, or the `_id` ranges of a large one),
 * scrubbing each batch when asked, with progress per collection and overall.
 * A collection ends once, after its last range.
 */
async function dumpDocuments(writer: ArchiveWriter, plan: DumpPlan, options: DumpOptions, concurrency: number): Promise<void> {
	const {db, infos, filters, scrubber, totals, grandTotal} = plan;
	const {label, signal} = options;
	const events = options.events ?? ignoreEvents;
	const database = db.databaseName;
	const collectionOf = (info: CollectionInfo) => db.collection(dataCollectionName(info.name, info.type));
	const tasks = await planRangeTasks(infos.filter(plan.takesDocuments), {
		threshold: splitThreshold(options.splitCollections, plan.traits),
		parts: concurrency,
		source: info => ({
			collection: collectionOf(info),
			// A subset's slice read by `_id` is one task.
			splittable: info.type === 'collection' && info.options.capped !== true && !plan.selected.get(info.name)?.batches,
		}),
		filterOf: info => filters.get(info.name),
		countOf: info => totals.get(info.name),
		label,
		events,
		signal,
	});
	const countdown = rangeCountdown(tasks);
	const counts = new Map<string, number>();
	// `backup --scrub`'s rules allocate per value: its collector watches the old generation too (collect-garbage.ts).
	const collectGarbage = collectGarbageEvery(undefined, {watchGrowth: scrubber !== undefined});
	let done = 0;
	// One pool of cursors across collections; a collection's ranges are queued together, so no more
	// collections are open in the archive at once than cursors run (the writer's concurrentCollections).
	await runSettled(tasks, concurrency, async task => {
		const {collection: info, filter} = task;
		const total = totals.get(info.name);
		await drainRawCursor({
			collection: collectionOf(info),
			filter,
			batches: plan.selected.get(info.name)?.batches?.(collectionOf(info)),
			what: label,
			signal,
			collectGarbage,
			keep: plan.selected.get(info.name)?.keep,
			take: scrubber ? scrubbedBatches(scrubber, info.name, label, events) : undefined,
			write(batch) {
				const written = writer.writeDocuments(database, info.name, batch);
				const count = (counts.get(info.name) ?? 0) + batch.length;
				counts.set(info.name, count);
				done += batch.length;
				events({type: 'progress', task: `${label}: ${info.name}`, done: count, total: Math.max(count, total ?? 0), unit: 'docs'});
				events({type: 'progress', task: label, done, total: Math.max(done, grandTotal), unit: 'docs'});
				return written;
			},
		});
		// A collection read in ranges ends once, after its last range.
		if (!countdown.finished(task)) return;
		await writer.endCollection(database, info.name);
		if (!counts.get(info.name) && !scrubber?.gate?.failed)
			events({type: 'progress', task: `${label}: ${info.name}`, done: 0, total: 0, unit: 'docs'});
	});
}

/** A collection's batches as a scrubbed dump writes them: the scrubber's pass of each. */
function scrubbedBatches(
	scrubber: Scrubber,
	name: string,
	label: string,
	events: EventSink,
): (read: Buffer[]) => readonly Uint8Array[] | undefined {
	return read => {
		const batch = scrubber.pass(name, read);
		// The gate found a path nothing classifies: nothing more is written; the source is read on to list every such path.
		if (batch === undefined) {
			const warning = scrubber.gate?.announce();
			if (warning) events({type: 'log', level: 'warn', message: `${label}: ${warning}`});
		}

		return batch;
	};
}

/** Ends the archive and reads what it holds per collection, for the manifest. */
async function finishDump(writer: ArchiveWriter, plan: DumpPlan, metadataDigests: Map<string, string>): Promise<DumpResult> {
	const stats = await writer.finish();
	const byName = new Map(stats.map(entry => [entry.collection, entry]));
	const collections = plan.infos.map(info => {
		const entry = byName.get(info.name);
		if (!entry) throw new MonarchError('internal', `The archive has no stats for ${info.name}`);
		return {
			name: info.name,
			type: info.type,
			count: entry.count,
			bytes: entry.bytes,
			crc: entry.crc,
			indexes: info.indexes.length,
			metadataSha256: metadataDigests.get(info.name)!,
		};
	});
	return {serverVersion: plan.serverVersion, collections, archiveBytes: writer.bytesWritten};
}
