import type {Readable} from 'node:stream';

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
 * A place backups are kept: a local folder or an S3 bucket and prefix. Every
 * write is atomic: an object is visible under its name only once complete,
 * and a failed or aborted write leaves nothing behind.
 */
export type BackupStore = {
	readonly location: StoreLocation;
	/** For people: `backups/` or `s3://bucket/prefix/`. */
	readonly description: string;
	/** Every object, in no particular order (paginates as needed). */
	list(signal?: AbortSignal): Promise<StoredObject[]>;
	/** True when an object with that name exists. */
	exists(name: string, signal?: AbortSignal): Promise<boolean>;
	/** Streams `body` into `name` atomically; resolves with the bytes written. */
	write(name: string, body: Readable, signal?: AbortSignal): Promise<{size: number}>;
	/** Streams an object's bytes. Fails with MonarchError 'not-found' when absent. */
	read(name: string, signal?: AbortSignal): Promise<Readable>;
	delete(name: string): Promise<void>;
};
