import type {Writable} from 'node:stream';
import type {Db, Document, FindCursor} from 'mongodb';
import {ArchiveWriter, dataCollectionName, type ArchiveCollection} from '../archive/index.js';
import {MonarchError, throwIfAborted} from '../errors.js';
import {runSettled} from '../pool.js';
import {ignoreEvents, type EventSink} from '../events.js';
import type {Selection} from '../querysets/selection.js';
import {monarchVersion} from '../version.js';
import {countForProgress, describeCollections, type CollectionInfo} from './collections.js';
import type {Scrubber} from '../scrub/scrubber.js';
import {metadataDigest, type BackupManifest} from './manifest.js';
import {planRangeTasks, rangeCountdown, splitThreshold, type RangeTask} from './id-ranges.js';
import {traitsFor} from './server-traits.js';
import {byteLength, collectGarbageEvery} from '../collect-garbage.js';

/** How many cursors read at once: collections, or `_id` ranges of a large one (mongodump's -j default). */
export const dumpConcurrency = 4;

/** Documents per cursor batch. */
const batchSize = 1000;

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
	const {db, output, label} = options;
	const events = options.events ?? ignoreEvents;
	const concurrency = options.concurrency ?? dumpConcurrency;
	let writer: ArchiveWriter | undefined;
	const cursors = new Set<FindCursor>();
	try {
		const buildInfo = await db.command({buildInfo: 1});
		const serverVersion = String(buildInfo.version ?? 'unknown');
		const filters = new Map(options.selection?.collections.map(entry => [entry.name, entry.filter as Document]));
		const described = await describeCollections(db, options.selection ? [...filters.keys()] : undefined);
		if (options.selection) {
			const found = new Set(described.map(info => info.name));
			for (const name of filters.keys()) {
				if (!found.has(name)) events({type: 'log', level: 'warn', message: `Collection ${name} does not exist in ${db.databaseName}: nothing to take from it`});
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
				totals.set(info.name, await countForProgress(db, dataCollectionName(info.name, info.type), filters.get(info.name)));
			}),
		);
		const grandTotal = [...totals.values()].reduce((sum, count) => sum + count, 0);

		writer = new ArchiveWriter(output, {serverVersion, toolVersion: `monarch ${monarchVersion}`, concurrentCollections: concurrency, gzip: true});
		const database = db.databaseName;
		const prelude = infos.map((info): ArchiveCollection => ({
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
		}));
		await writer.writePrelude(prelude);
		const metadataDigests = new Map(prelude.map(entry => [entry.collection, metadataDigest(entry.metadata)]));

		// Views have no documents (nor collections classified `empty`): end them first, before data collections take the open slots.
		for (const info of infos) if (!takesDocuments(info)) await writer.endCollection(database, info.name);

		let done = 0;
		const collectGarbage = collectGarbageEvery();
		const threshold = splitThreshold(options.splitCollections, traitsFor(buildInfo));
		const tasks = await planRangeTasks(
			infos.filter(takesDocuments),
			{
				threshold,
				parts: concurrency,
				source: info => ({collection: db.collection(dataCollectionName(info.name, info.type)), splittable: info.type === 'collection' && info.options.capped !== true}),
				filterOf: info => filters.get(info.name),
				countOf: info => totals.get(info.name),
				label,
				events,
				signal: options.signal,
			},
		);
		const countdown = rangeCountdown(tasks);
		const counts = new Map<string, number>();
		const dumpRange = async (task: RangeTask<CollectionInfo>, archive: ArchiveWriter) => {
			const {collection: info, filter} = task;
			const total = totals.get(info.name);
			const cursor = db.collection(dataCollectionName(info.name, info.type)).find(filter, {raw: true, batchSize});
			cursors.add(cursor);
			let pending: Promise<void> | undefined;
			try {
				while (await cursor.hasNext()) {
					throwIfAborted(options.signal, label);
					const read = cursor.readBufferedDocuments() as unknown as Buffer[];
					collectGarbage(byteLength(read));
					const batch = scrubber ? scrubber.pass(info.name, read) : read;
					// The gate found a path nothing classifies: nothing more is written; the source is read on to list every such path.
					if (batch === undefined) {
						const warning = scrubber?.gate?.announce();
						if (warning) events({type: 'log', level: 'warn', message: `${label}: ${warning}`});
						continue;
					}
					if (pending) await pending;
					pending = archive.writeDocuments(database, info.name, batch);
					// It is awaited after the next read; until then a failure must not count as unhandled (Node would exit).
					pending.catch(() => {});
					const count = (counts.get(info.name) ?? 0) + batch.length;
					counts.set(info.name, count);
					done += batch.length;
					events({type: 'progress', task: `${label}: ${info.name}`, done: count, total: Math.max(count, total ?? 0), unit: 'docs'});
					events({type: 'progress', task: label, done, total: Math.max(done, grandTotal), unit: 'docs'});
				}

				if (pending) await pending;
			} finally {
				// Left by a throw above (the cursor failed, the job was cancelled): its failure is not the one to report, but it is waited for.
				await pending?.catch(() => {});
				cursors.delete(cursor);
				await cursor.close().catch(() => {});
			}

			// A collection read in ranges ends once, after its last range.
			if (!countdown.finished(task)) return;
			await archive.endCollection(database, info.name);
			if (!counts.get(info.name) && !scrubber?.gate?.failed) events({type: 'progress', task: `${label}: ${info.name}`, done: 0, total: 0, unit: 'docs'});
		};

		const archive = writer;
		// One pool of cursors across collections; a collection's ranges are queued together, so no more
		// collections are open in the archive at once than cursors run (the writer's concurrentCollections).
		await runSettled(tasks, concurrency, async task => dumpRange(task, archive));
		throwIfAborted(options.signal, label);
		scrubber?.assertClassified();
		const stats = await writer.finish();
		const byName = new Map(stats.map(entry => [entry.collection, entry]));
		const collections = infos.map(info => {
			const entry = byName.get(info.name);
			if (!entry) throw new MonarchError('internal', `The archive has no stats for ${info.name}`);
			return {name: info.name, type: info.type, count: entry.count, bytes: entry.bytes, crc: entry.crc, indexes: info.indexes.length, metadataSha256: metadataDigests.get(info.name)!};
		});
		return {serverVersion, collections, archiveBytes: writer.bytesWritten};
	} catch (error) {
		const failure = error instanceof Error ? error : new Error(String(error));
		if (writer) writer.destroy(failure);
		else output.destroy(failure);
		for (const cursor of cursors) await cursor.close().catch(() => {});
		throw error;
	}
}
