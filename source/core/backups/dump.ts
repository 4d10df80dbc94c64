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

/** How many collections are dumped at once (mongodump's -j default). */
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
	concurrency?: number;
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
 * raw BSON (never decoded), several collections at once. Ends `output` on
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
		const serverVersion = String((await db.command({buildInfo: 1})).version ?? 'unknown');
		const filters = new Map(options.selection?.collections.map(entry => [entry.name, entry.filter as Document]));
		const infos = await describeCollections(db, options.selection ? [...filters.keys()] : undefined);
		if (options.selection) {
			const found = new Set(infos.map(info => info.name));
			for (const name of filters.keys()) {
				if (!found.has(name)) events({type: 'log', level: 'warn', message: `Collection ${name} does not exist in ${db.databaseName}: nothing to take from it`});
			}
		}

		const scrubber = options.scrubFor?.(infos);
		throwIfAborted(options.signal, label);
		const totals = new Map<string, number>();
		await Promise.all(
			infos.map(async info => {
				if (info.type === 'view') return;
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

		// Views have no documents: end them first, before data collections take the open slots.
		for (const info of infos) if (info.type === 'view') await writer.endCollection(database, info.name);

		let done = 0;
		const queue = infos.filter(info => info.type !== 'view');
		const dumpOne = async (info: CollectionInfo, archive: ArchiveWriter) => {
			const total = totals.get(info.name);
			const cursor = db.collection(dataCollectionName(info.name, info.type)).find(filters.get(info.name) ?? {}, {raw: true, batchSize});
			cursors.add(cursor);
			let count = 0;
			let pending: Promise<void> | undefined;
			try {
				while (await cursor.hasNext()) {
					throwIfAborted(options.signal, label);
					const read = cursor.readBufferedDocuments() as unknown as Buffer[];
					const batch = scrubber?.has(info.name) ? scrubber.batch(info.name, read) : read;
					if (pending) await pending;
					pending = archive.writeDocuments(database, info.name, batch);
					// It is awaited after the next read; until then a failure must not count as unhandled (Node would exit).
					pending.catch(() => {});
					count += batch.length;
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

			await archive.endCollection(database, info.name);
			if (count === 0) events({type: 'progress', task: `${label}: ${info.name}`, done: 0, total: 0, unit: 'docs'});
		};

		const archive = writer;
		await runSettled(queue, concurrency, async info => dumpOne(info, archive));
		throwIfAborted(options.signal, label);
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
