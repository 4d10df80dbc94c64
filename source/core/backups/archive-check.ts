import {type ArchiveEvent, type ArchiveNamespaceStats, type ArchivePreludeEntry, readArchive} from '../archive/index.js';
import {isMonarchError, MonarchError} from '../errors.js';
import {digestChunks} from './digest.js';

/**
 * The one check of an archive as it is read: `monarch verify`, restore and
 * `restore --file` all read through it. The reader checks the framing and
 * every namespace's CRC; this adds the sha256 and size of the bytes as
 * stored, that the read had a collection list and reached the end of every
 * collection it is about, and the caller's rules (a manifest's, or the
 * picking of one database of a mongodump file).
 */

/** A collection's end as the reader reports it (its CRC already matched). */
export type ArchiveEnd = {type: 'end'} & ArchiveNamespaceStats;

/** Makes the one-line 'corrupt' error of a problem: `<noun> <where> is corrupt: <problem>`. */
export type Corrupt = (problem: string) => MonarchError;

/** What a caller checks beyond what every read is checked for. */
export type ArchiveCheckRules = {
	/** How errors name what is read: a monarch `Backup`, or a mongodump `Archive`. */
	noun: 'Backup' | 'Archive';
	/** Where it is, for people: a store's description and the object's name, or a file's path. */
	where: string;
	/** The hint of every 'corrupt' error. */
	hint: string;
	/** Checks the prelude (throwing `corrupt(...)`) and picks the entries the read is about: documents and ends of the others are skipped. */
	prelude(collections: ArchivePreludeEntry[], corrupt: Corrupt): ArchivePreludeEntry[];
	/** Checks a picked collection's end (its count and CRC against a manifest). */
	end?(end: ArchiveEnd, corrupt: Corrupt): void;
	/** Checks the whole read's size and sha256, once every picked collection ended. */
	digest?(read: {sha256: string; size: number}, corrupt: Corrupt): void;
};

/** What a checked read added up to. */
export type CheckedArchive = {
	/** The prelude's entries the read was about. */
	collections: ArchivePreludeEntry[];
	/** Their ends, by collection: documents, bytes and CRC as read. */
	ends: Map<string, {count: number; bytes: number; crc: string}>;
	/** The archive's bytes as stored (gzipped or not). */
	sha256: string;
	size: number;
};

/** Reads an archive's events while checking them: consume `events`, then call `finish`, which throws unless every check passed, and read what was checked with `result`. */
export type ArchiveCheck = {
	/** The prelude (the picked entries), documents and ends of what the read is about, as they are read and checked. */
	events(source: AsyncIterable<Uint8Array | string>, signal?: AbortSignal): AsyncGenerator<ArchiveEvent>;
	/** Checks what the whole read added up to; call it after the events are consumed. */
	finish(): void;
	/** What the read checked; only after `finish` passed. */
	result(): CheckedArchive;
};

/** The one archive check, with a caller's rules (see the file's comment). */
export function createArchiveCheck(rules: ArchiveCheckRules): ArchiveCheck {
	const {noun, where, hint} = rules;
	const corrupt: Corrupt = problem => new MonarchError('corrupt', `${noun} ${where} is corrupt: ${problem}`, {hint});
	const ends = new Map<string, {count: number; bytes: number; crc: string}>();
	let picked: ArchivePreludeEntry[] | undefined;
	let mine = (_db: string, _collection: string) => false;
	let digest: ReturnType<typeof digestChunks> | undefined;
	let checked: CheckedArchive | undefined;

	/** The reader's own 'corrupt' errors name an `Archive`: a backup's are renamed, with the backup's hint. */
	const named = (error: unknown) => {
		if (noun === 'Archive' || !isMonarchError(error) || error.code !== 'corrupt' || error.message.startsWith(`${noun} ${where}`))
			return error;
		return new MonarchError('corrupt', error.message.replace(/^Archive /, `${noun} `), {hint, cause: error});
	};

	return {
		async *events(source, signal) {
			digest = digestChunks(source);
			try {
				for await (const event of readArchive(digest, {source: where, ...(signal ? {signal} : {})})) {
					if (event.type === 'prelude') {
						const collections = rules.prelude(event.collections, corrupt);
						const keys = new Set(collections.map(entry => `${entry.db}.${entry.collection}`));
						mine = (db, collection) => keys.has(`${db}.${collection}`);
						picked = collections;
						yield collections === event.collections ? event : {type: 'prelude', collections};
					} else if (event.type === 'documents') {
						if (mine(event.db, event.collection)) yield event;
					} else if (event.type === 'end' && mine(event.db, event.collection)) {
						rules.end?.(event, corrupt);
						ends.set(event.collection, {count: event.count, bytes: event.bytes, crc: event.crc});
						yield event;
					}
				}
			} catch (error) {
				throw named(error);
			}
		},
		finish() {
			if (!digest || !picked) throw corrupt('it has no collection list');
			const unended = picked.map(entry => entry.collection).filter(name => !ends.has(name));
			if (unended.length > 0) throw corrupt(`it ends before ${unended.join(', ')} ended`);
			const read = digest.digest();
			rules.digest?.(read, corrupt);
			checked = {collections: picked, ends, ...read};
		},
		result() {
			if (!checked) throw new MonarchError('internal', `${noun} ${where} was not checked to the end`);
			return checked;
		},
	};
}
