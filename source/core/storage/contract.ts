import type {Readable} from 'node:stream';
import type {NameTakenError} from './name-taken.js';

/** Where a backup lives. */
export type StoreLocation = 'local' | 's3';

/** One object in a store (an archive or a manifest). */
export type StoredObject = {
	/** A flat name, e.g. `shop__2026_11_23.archive.gz`; never contains `/`. */
	name: string;
	size: number;
	modifiedAt: Date;
};

/**
 * A write that started and neither finished nor was cleaned up: one still
 * running, or one whose process was killed (a local `.partial-` file, a
 * multipart upload S3 still holds and bills for).
 */
export type PendingWrite = {
	/** The object name it would have created. */
	name: string;
	/** What the store needs to abort it (a temporary file, a multipart upload id). */
	id: string;
	/** When bytes last arrived: a running write keeps this recent. */
	lastActivity: Date;
	/** Bytes held so far. */
	size: number;
};

/**
 * A place backups are kept: a local folder or an S3 bucket and prefix. Every
 * write is atomic: an object is visible under its name only once complete,
 * and a failed or aborted write leaves nothing behind. A write never replaces
 * an object: when the name is taken it fails with {@link NameTakenError}.
 * Every store passes the same contract suite (test/storage-contract.test.ts).
 */
export type BackupStore = {
	readonly location: StoreLocation;
	/** For people: `backups/` or `s3://bucket/prefix/`. */
	readonly description: string;
	/**
	 * Every object, in no particular order (paginates as needed): only flat,
	 * visible names of this store (nothing in a sub-folder or outside its S3
	 * prefix, nothing hidden, no write in progress).
	 */
	list(signal?: AbortSignal): Promise<StoredObject[]>;
	/** True when an object with that name exists. */
	exists(name: string, signal?: AbortSignal): Promise<boolean>;
	/**
	 * Streams `body` into `name` atomically; resolves with the bytes written.
	 * Refuses, never overwrites: when `name` exists before the write starts
	 * (checked before `body` is read) or is stored by another writer while this
	 * one completes, it fails with {@link NameTakenError}, leaves the existing
	 * object untouched and keeps nothing of its own. (On S3 this is as atomic
	 * as the server's `If-None-Match`: see `writeIfAbsent` in s3-write.ts.)
	 */
	write(name: string, body: Readable, signal?: AbortSignal): Promise<{size: number}>;
	/** Streams an object's bytes. Fails with MonarchError 'not-found' when absent. */
	read(name: string, signal?: AbortSignal): Promise<Readable>;
	/** Removes an object; a missing one is not an error. */
	delete(name: string): Promise<void>;
	/** Writes in progress or abandoned, with their names (paginates as needed). */
	pending(signal?: AbortSignal): Promise<PendingWrite[]>;
	/** Drops a pending write's bytes; a write still running then fails, keeping nothing. */
	abortPending(write: PendingWrite): Promise<void>;
};
