import {MonarchError} from '../errors.js';
import {ByteQueue} from './byte-queue.js';
import {ControlDocumentError, decodeArchiveHeader, decodeCollectionEntry, decodeNamespaceHeader} from './control-documents.js';
import {crc64Hex} from './crc64.js';
import {
	type ArchiveCollection,
	type ArchiveCollectionType,
	type ArchiveHeader,
	type ArchiveNamespaceStats,
	archiveMagic,
	dataCollectionName,
	maxBsonSize,
	minBsonSize,
	namespaceKey,
	terminatorValue,
} from './format.js';
import {parseMetadata} from './metadata.js';
import {type NamespaceTally, newNamespaceTally} from './namespace-tally.js';

/** A prelude entry as read back: the parsed metadata and the Extended JSON it came from. */
export type ArchivePreludeEntry = ArchiveCollection & {
	/** The prelude's metadata string as it is in the archive ('' when there is none). */
	metadataJson: string;
};

/**
 * What reading an archive yields, in archive order: the header, one
 * `collection` per prelude entry, `prelude` with all of them, then
 * `documents` batches and one `end` per namespace, interleaved as written.
 * `documents` holds raw BSON (never decoded), at most maxBatchDocuments per
 * event; for a time-series collection they are its buckets. The buffers are
 * views of the input's chunks where a document lies in one: holding on to one
 * keeps its chunk alive, so copy those you keep. `end` comes once the
 * namespace's CRC matched, with what its documents added up to.
 */
export type ArchiveEvent =
	| {type: 'header'; header: ArchiveHeader}
	| {type: 'collection'; collection: ArchivePreludeEntry}
	| {type: 'prelude'; collections: ArchivePreludeEntry[]}
	| {type: 'documents'; db: string; collection: string; documents: Buffer[]}
	| ({type: 'end'} & ArchiveNamespaceStats);

/** Options for an ArchiveParser. */
export type ArchiveParserOptions = {
	/** Names the archive (a file path) in error messages. */
	source?: string;
	/** The most documents in one `documents` event; default 1000. */
	maxBatchDocuments?: number;
};

type State = 'magic' | 'header' | 'prelude' | 'block' | 'body' | 'eof';

type NamespaceState = NamespaceTally & {closed: boolean};

const hints = {
	damaged: 'the backup file is damaged; restore from another backup',
	truncated: 'the backup file ends early: it was cut short or is still being written',
	notArchive: 'expected a mongodump archive (mongodump --archive), gzipped or not',
};

/**
 * A push parser for the mongodump archive format: feed it chunks with push,
 * call end at the end of input. It keeps only the bytes of the item it is
 * reading, checks every length, NUL end and CRC, and throws a 'corrupt'
 * MonarchError naming the source, the byte offset and the namespace.
 */
export class ArchiveParser {
	private readonly source: string;
	private readonly maxBatch: number;
	private readonly queue = new ByteQueue();
	private readonly byDataKey = new Map<string, NamespaceState>();
	private readonly namespaces: NamespaceState[] = [];
	private readonly entries: ArchivePreludeEntry[] = [];
	private state: State = 'magic';
	private current: NamespaceState | undefined;
	private batch: Buffer[] = [];
	private consumed = 0;

	constructor(options: ArchiveParserOptions = {}) {
		this.source = options.source ?? 'stream';
		this.maxBatch = options.maxBatchDocuments ?? 1000;
	}

	/** Bytes of (uncompressed) archive parsed so far. */
	get offset(): number {
		return this.consumed;
	}

	/** Parses as much as the new chunk completes and returns the events it made. */
	// biome-ignore lint/complexity/noExcessiveCognitiveComplexity: the archive format's state machine, kept in one place on purpose
	push(chunk: Buffer): ArchiveEvent[] {
		this.queue.push(chunk);
		const events: ArchiveEvent[] = [];
		const queue = this.queue;
		for (;;) {
			if (queue.length < 4) break;
			if (this.state === 'magic') {
				const magic = queue.peekInt32() >>> 0;
				if (magic !== archiveMagic) {
					const gzipped = (magic & 0xff_ff) === 0x8b_1f;
					throw new MonarchError(
						'corrupt',
						`${this.name()} is not a mongodump archive (it starts with 0x${magic.toString(16).padStart(8, '0')})`,
						{
							hint: gzipped ? 'it is gzipped: read it with gzip' : hints.notArchive,
						},
					);
				}

				queue.skip(4);
				this.consumed += 4;
				this.state = 'header';
				continue;
			}

			const length = queue.peekInt32();
			if (length === terminatorValue) {
				this.terminator(events);
				queue.skip(4);
				this.consumed += 4;
				continue;
			}

			if (length < minBsonSize || length > maxBsonSize) {
				throw this.corrupt(`${length} is neither a BSON document length nor a terminator`);
			}

			if (queue.length < length) break;
			const bytes = queue.take(length);
			if (bytes[length - 1] !== 0) throw this.corrupt(`the ${length}-byte BSON document does not end with a NUL byte`);
			if (this.state === 'body') {
				const namespace = this.current!;
				namespace.crc.update(bytes);
				namespace.count++;
				namespace.bytes += length;
				this.batch.push(bytes);
				if (this.batch.length >= this.maxBatch) this.flush(events);
			} else {
				this.document(bytes, events);
			}

			this.consumed += length;
		}

		this.flush(events);
		return events;
	}

	/** Checks that the input ended where an archive may end and that every namespace was complete. */
	end(): ArchiveEvent[] {
		if (this.state === 'magic' && this.consumed === 0 && this.queue.length === 0) {
			throw new MonarchError('corrupt', `${this.name()} is empty`, {hint: hints.truncated});
		}

		if (this.queue.length > 0 || this.state !== 'block') {
			throw this.corrupt(`the archive ends in the middle of ${this.whereNow()}`, hints.truncated, this.consumed + this.queue.length);
		}

		const unfinished = this.namespaces.filter(namespace => !namespace.closed);
		if (unfinished.length > 0) {
			const names = unfinished
				.slice(0, 3)
				.map(namespace => namespaceKey(namespace.db, namespace.collection))
				.join(', ');
			const more = unfinished.length > 3 ? ` and ${unfinished.length - 3} more` : '';
			throw this.corrupt(`the archive ends before ${names}${more} ended`, hints.truncated);
		}

		return [];
	}

	private terminator(events: ArchiveEvent[]): void {
		switch (this.state) {
			case 'header':
				throw this.corrupt('the archive header is missing');
			case 'prelude':
				events.push({type: 'prelude', collections: [...this.entries]});
				this.state = 'block';
				break;
			case 'block':
				throw this.corrupt('two terminators in a row (a block without a namespace header)');
			case 'body':
				this.flush(events);
				this.current = undefined;
				this.state = 'block';
				break;
			case 'eof':
				this.state = 'block';
				break;
			case 'magic':
				break;
		}
	}

	private document(bytes: Buffer, events: ArchiveEvent[]): void {
		try {
			switch (this.state) {
				case 'header': {
					events.push({type: 'header', header: decodeArchiveHeader(bytes)});
					this.state = 'prelude';
					break;
				}

				case 'prelude': {
					events.push({type: 'collection', collection: this.preludeEntry(bytes)});
					break;
				}

				case 'block': {
					this.namespaceHeader(bytes, events);
					break;
				}

				case 'eof': {
					const namespace = this.namespaces.at(-1);
					throw this.corrupt(
						`a document follows the EOF header${namespace ? ` of ${namespaceKey(namespace.db, namespace.collection)}` : ''}`,
					);
				}

				default:
					break;
			}
		} catch (error) {
			if (error instanceof ControlDocumentError) throw this.corrupt(error.message);
			throw error;
		}
	}

	private preludeEntry(bytes: Buffer): ArchivePreludeEntry {
		const raw = decodeCollectionEntry(bytes);
		const key = namespaceKey(raw.db, raw.collection);
		if (raw.collection === '') throw this.corrupt('a prelude entry has no collection name');
		const dataCollection = dataCollectionName(raw.collection, raw.type);
		const dataKey = namespaceKey(raw.db, dataCollection);
		if (this.byDataKey.has(dataKey)) throw this.corrupt(`${key} is twice in the prelude`);
		const entry: ArchivePreludeEntry = {
			db: raw.db,
			collection: raw.collection,
			type: raw.type as ArchiveCollectionType,
			size: raw.size,
			metadataJson: raw.metadata,
		};
		if (raw.metadata !== '') {
			try {
				entry.metadata = parseMetadata(raw.metadata);
			} catch (error) {
				throw this.corrupt(`the metadata of ${key} is not valid Extended JSON (${error instanceof Error ? error.message : String(error)})`);
			}
		}

		const namespace: NamespaceState = {...newNamespaceTally(raw.db, raw.collection, dataCollection), closed: false};
		this.byDataKey.set(dataKey, namespace);
		this.namespaces.push(namespace);
		this.entries.push(entry);
		return entry;
	}

	private namespaceHeader(bytes: Buffer, events: ArchiveEvent[]): void {
		const header = decodeNamespaceHeader(bytes);
		if (header.collection === '') throw this.corrupt('a namespace header has no collection name');
		const key = namespaceKey(header.db, header.collection);
		const namespace = this.byDataKey.get(key);
		if (!namespace) throw this.corrupt(`${key} has data but is not in the prelude`);
		if (namespace.closed) throw this.corrupt(`${key} has data after its EOF header`);
		if (!header.eof) {
			this.current = namespace;
			this.state = 'body';
			return;
		}

		const crc = namespace.crc.digest();
		if (crc !== header.crc) {
			throw this.corrupt(
				`CRC mismatch for ${namespaceKey(namespace.db, namespace.collection)} (archive says ${crc64Hex(header.crc)}, its ${namespace.count} documents hash to ${crc64Hex(crc)})`,
			);
		}

		namespace.closed = true;
		events.push({
			type: 'end',
			db: namespace.db,
			collection: namespace.collection,
			count: namespace.count,
			bytes: namespace.bytes,
			crc: namespace.crc.hex(),
		});
		this.state = 'eof';
	}

	private flush(events: ArchiveEvent[]): void {
		if (this.batch.length === 0) return;
		const namespace = this.current!;
		events.push({type: 'documents', db: namespace.db, collection: namespace.collection, documents: this.batch});
		this.batch = [];
	}

	private whereNow(): string {
		switch (this.state) {
			case 'magic':
				return 'the magic number';
			case 'header':
				return 'the archive header';
			case 'prelude':
				return 'the prelude';
			case 'body':
				return `the data of ${namespaceKey(this.current!.db, this.current!.collection)}`;
			case 'eof':
			case 'block':
				return 'a namespace block';
		}
	}

	private name(): string {
		return this.source === 'stream' ? 'The archive' : `Archive ${this.source}`;
	}

	private corrupt(detail: string, hint = hints.damaged, at = this.consumed): MonarchError {
		return new MonarchError('corrupt', `${this.name()} is corrupt at byte ${at}: ${detail}`, {hint});
	}
}
