import type {Writable} from 'node:stream';
import {finished, pipeline} from 'node:stream/promises';
import {createGzip} from 'node:zlib';
import {MonarchError} from '../errors.js';
import {encodeArchiveHeader, encodeCollectionEntry, encodeNamespaceHeader} from './control-documents.js';
import {
	type ArchiveCollection,
	type ArchiveNamespaceStats,
	archiveFormatVersion,
	archiveMagic,
	bucketsPrefix,
	dataCollectionName,
	defaultConcurrentCollections,
	maxBsonSize,
	minBsonSize,
	namespaceKey,
} from './format.js';
import {stringifyMetadata} from './metadata.js';
import {type NamespaceTally, newNamespaceTally} from './namespace-tally.js';

/** Options for an ArchiveWriter. */
export type ArchiveWriterOptions = {
	/** The source server's version (buildInfo.version), written as server_version. */
	serverVersion: string;
	/** Who wrote the archive, e.g. 'monarch 0.2.0', written as tool_version. */
	toolVersion: string;
	/**
	 * Written as concurrent_collections: mongorestore restores at least this many
	 * collections at once, and needs that many to read the archive. So it is also the
	 * most namespaces that may be open at once (written to but not ended); the writer
	 * refuses one more. Default 4, as mongodump's --numParallelCollections.
	 */
	concurrentCollections?: number;
	/** Gzip the whole stream before it reaches `output` (what --gzip does); true for level 6 or a level 0-9. */
	gzip?: boolean | number;
};

type NamespaceState = NamespaceTally & {segments: number; ended: boolean};

const terminator = Buffer.from([0xff, 0xff, 0xff, 0xff]);

function misuse(message: string): MonarchError {
	return new MonarchError('internal', message, {hint: 'this is a bug in the backup code that drives the archive writer'});
}

function documentLength(document: Uint8Array): number {
	return (document[0]! | (document[1]! << 8) | (document[2]! << 16) | (document[3]! << 24)) >>> 0;
}

/**
 * Writes a mongodump archive (mongorestore --archive reads it) to a stream.
 * Call writePrelude once, then writeDocuments for any namespace in any order
 * (batches of parallel dumps may interleave), endCollection once per prelude
 * entry (views and empty collections too), then finish. Calls run one after
 * another in the order they are made, each waiting for the output to drain.
 *
 * Documents are raw BSON (from `raw: true` cursors) and are framed as they
 * are, never decoded. Errors of the output stream are passed through as they
 * are; misuse (unknown namespace, bad BSON length...) throws an 'internal'
 * MonarchError.
 */
export class ArchiveWriter {
	private readonly options: ArchiveWriterOptions;
	private readonly sink: Writable;
	private readonly done: Promise<void>;
	private readonly byKey = new Map<string, NamespaceState>();
	private readonly ordered: NamespaceState[] = [];
	private tail: Promise<unknown> = Promise.resolve();
	private current: NamespaceState | undefined;
	private openNamespaces = 0;
	private preludeWritten = false;
	private closed = false;
	private failure: Error | undefined;
	private written = 0;

	constructor(output: Writable, options: ArchiveWriterOptions) {
		const concurrency = options.concurrentCollections;
		if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency < 2 ** 31)) {
			throw misuse(`concurrentCollections must be a positive integer, not ${concurrency}`);
		}

		this.options = options;
		if (options.gzip !== undefined && options.gzip !== false) {
			const level = options.gzip === true ? 6 : options.gzip;
			const gzip = createGzip({level});
			this.sink = gzip;
			this.done = pipeline(gzip, output);
		} else {
			this.sink = output;
			this.done = finished(output);
		}

		this.done.catch((error: unknown) => {
			this.failure ??= error instanceof Error ? error : new Error(String(error));
		});
		this.sink.on('error', (error: Error) => {
			this.failure ??= error;
		});
	}

	/** Uncompressed bytes of archive written so far. */
	get bytesWritten(): number {
		return this.written;
	}

	/** Every prelude namespace's stats so far, in prelude order. */
	get namespaces(): ArchiveNamespaceStats[] {
		return this.ordered.map(state => this.statsOf(state));
	}

	/** One namespace's stats so far, or undefined when it is not in the prelude. */
	stats(db: string, collection: string): ArchiveNamespaceStats | undefined {
		const state = this.byKey.get(namespaceKey(db, collection));
		return state ? this.statsOf(state) : undefined;
	}

	/** Writes the magic number, the header and one entry per collection; call it once, first. */
	async writePrelude(collections: readonly ArchiveCollection[]): Promise<void> {
		return this.enqueue(async () => {
			if (this.preludeWritten) throw misuse('The archive prelude was already written');
			const parts: Buffer[] = [];
			const magic = Buffer.alloc(4);
			magic.writeUInt32LE(archiveMagic, 0);
			parts.push(magic);
			parts.push(
				encodeArchiveHeader({
					concurrentCollections: this.options.concurrentCollections ?? defaultConcurrentCollections,
					formatVersion: archiveFormatVersion,
					serverVersion: this.options.serverVersion,
					toolVersion: this.options.toolVersion,
				}),
			);

			const states: NamespaceState[] = [];
			const keys = new Set<string>();
			for (const entry of collections) {
				if (entry.db.includes('.')) throw misuse(`Database name "${entry.db}" holds a dot`);
				if (entry.collection === '') throw misuse(`Empty collection name in database "${entry.db}"`);
				const dataCollection = dataCollectionName(entry.collection, entry.type);
				const key = namespaceKey(entry.db, dataCollection);
				if (keys.has(key) || keys.has(namespaceKey(entry.db, entry.collection))) {
					throw misuse(`Namespace ${namespaceKey(entry.db, entry.collection)} is twice in the archive prelude`);
				}

				keys.add(key);
				keys.add(namespaceKey(entry.db, entry.collection));
				parts.push(
					encodeCollectionEntry({
						db: entry.db,
						collection: entry.collection,
						metadata: entry.metadata ? stringifyMetadata(entry.metadata) : '',
						size: entry.size ?? 0,
						type: entry.type,
					}),
				);
				states.push({...newNamespaceTally(entry.db, entry.collection, dataCollection), segments: 0, ended: false});
			}

			parts.push(terminator);
			for (const state of states) {
				this.byKey.set(namespaceKey(state.db, state.collection), state);
				this.ordered.push(state);
			}

			this.preludeWritten = true;
			await this.push(Buffer.concat(parts));
		});
	}

	/**
	 * Appends raw BSON documents to a namespace. `collection` is the prelude's
	 * name (a time-series collection's own name; its system.buckets name works too).
	 * The buffers must stay unchanged until the returned promise settles.
	 */
	async writeDocuments(db: string, collection: string, documents: readonly Uint8Array[]): Promise<void> {
		return this.enqueue(async () => {
			const state = this.open(db, collection);
			if (documents.length === 0) return;
			let total = 0;
			for (const [index, document] of documents.entries()) {
				const length = document.length;
				if (length < minBsonSize || length > maxBsonSize || documentLength(document) !== length || document[length - 1] !== 0) {
					throw misuse(
						`Document ${state.count + index} of ${namespaceKey(db, state.collection)} is not one whole BSON document of at most 16 MiB (${length} bytes)`,
					);
				}

				total += length;
			}

			if (state.segments === 0) this.admit(state);
			const parts: Uint8Array[] = [];
			let size = total;
			if (this.current !== state) {
				if (this.current) {
					parts.push(terminator);
					size += 4;
				}

				const header = encodeNamespaceHeader({db: state.db, collection: state.dataCollection, eof: false, crc: 0n});
				parts.push(header);
				size += header.length;
				this.current = state;
				state.segments++;
			}

			for (const document of documents) parts.push(document);
			const bytes = Buffer.concat(parts, size);
			// The documents lie end to end at the end of the block: one CRC update covers them all.
			state.crc.update(bytes.subarray(size - total));
			state.count += documents.length;
			state.bytes += total;
			await this.push(bytes);
		});
	}

	/** Writes a namespace's EOF block with its CRC and returns its stats; call it once per prelude entry. */
	async endCollection(db: string, collection: string): Promise<ArchiveNamespaceStats> {
		return this.enqueue(async () => {
			const state = this.open(db, collection);
			const parts: Buffer[] = [];
			if (state.segments === 0) {
				this.admit(state);
				// Like mongodump: an empty collection or a view gets an empty block before its EOF.
				if (this.current) parts.push(terminator);
				parts.push(encodeNamespaceHeader({db: state.db, collection: state.dataCollection, eof: false, crc: 0n}));
				this.current = state;
				state.segments++;
			}

			if (this.current) parts.push(terminator);
			parts.push(encodeNamespaceHeader({db: state.db, collection: state.dataCollection, eof: true, crc: state.crc.digest()}));
			parts.push(terminator);
			this.current = undefined;
			state.ended = true;
			this.openNamespaces--;
			await this.push(Buffer.concat(parts));
			return this.statsOf(state);
		});
	}

	/**
	 * Ends the output once every prelude namespace has ended; resolves with all
	 * namespaces' stats when the output (and gzip) is flushed.
	 */
	async finish(): Promise<ArchiveNamespaceStats[]> {
		return this.enqueue(async () => {
			if (!this.preludeWritten) throw misuse('The archive was finished before its prelude was written');
			const open = this.ordered.filter(state => !state.ended);
			if (open.length > 0) {
				const names = open
					.slice(0, 3)
					.map(state => namespaceKey(state.db, state.collection))
					.join(', ');
				throw misuse(`The archive was finished before ${names}${open.length > 3 ? ` and ${open.length - 3} more` : ''} ended`);
			}

			this.closed = true;
			this.sink.end();
			await this.done;
			if (this.failure) throw this.failure;
			return this.namespaces;
		});
	}

	/** Abandons the archive: destroys the output (and the gzip stream before it); pending and later calls fail. */
	destroy(error?: Error): void {
		this.failure ??= error ?? new MonarchError('cancelled', 'Cancelled writing the archive');
		this.sink.destroy(error);
	}

	private statsOf(state: NamespaceState): ArchiveNamespaceStats {
		return {db: state.db, collection: state.collection, count: state.count, bytes: state.bytes, crc: state.crc.hex()};
	}

	private open(db: string, collection: string): NamespaceState {
		if (!this.preludeWritten) throw misuse('Documents were written before the archive prelude');
		let state = this.byKey.get(namespaceKey(db, collection));
		if (!state && collection.startsWith(bucketsPrefix)) {
			const owner = this.byKey.get(namespaceKey(db, collection.slice(bucketsPrefix.length)));
			if (owner?.dataCollection === collection) state = owner;
		}

		if (!state) throw misuse(`Namespace ${namespaceKey(db, collection)} is not in the archive prelude`);
		if (state.ended) throw misuse(`Namespace ${namespaceKey(db, collection)} already ended in the archive`);
		return state;
	}

	// mongorestore gives each namespace open in the archive (first block written, EOF not yet)
	// a worker of its concurrent_collections and waits for a free one at the next: more open
	// namespaces than that would stall it for good.
	private admit(state: NamespaceState): void {
		const limit = this.options.concurrentCollections ?? defaultConcurrentCollections;
		if (this.openNamespaces >= limit) {
			throw misuse(
				`Namespace ${namespaceKey(state.db, state.collection)} would make ${this.openNamespaces + 1} namespaces open at once in an archive whose concurrentCollections is ${limit}; mongorestore would stall`,
			);
		}

		this.openNamespaces++;
	}

	private async enqueue<T>(work: () => Promise<T>): Promise<T> {
		const run = this.tail.then(async () => {
			if (this.failure) throw this.failure;
			if (this.closed) throw misuse('The archive was already finished');
			return work();
		});
		this.tail = run.catch(() => undefined);
		return run;
	}

	private async push(bytes: Buffer): Promise<void> {
		this.written += bytes.length;
		if (this.sink.write(bytes)) return;
		await new Promise<void>((resolve, reject) => {
			const cleanup = () => {
				this.sink.off('drain', onDrain);
				this.sink.off('error', onError);
				this.sink.off('close', onClose);
			};

			const onDrain = () => {
				cleanup();
				resolve();
			};

			const onError = (error: Error) => {
				cleanup();
				reject(error);
			};

			const onClose = () => {
				cleanup();
				reject(this.failure ?? new Error('The archive output closed before the archive was complete'));
			};

			this.sink.on('drain', onDrain);
			this.sink.on('error', onError);
			this.sink.on('close', onClose);
		});
	}
}
