import type {ProjectConfig} from '../config/load.js';
import {ignoreEvents, type OperationOptions} from '../events.js';
import type {StoreLocation} from '../storage/contract.js';
import {findBackup} from './catalogue.js';
import type {BackupManifest} from './manifest.js';
import {verifyBackup} from './verify.js';

export type VerifyStoredOptions = OperationOptions & {
	config: ProjectConfig;
	/** The backup's name, with or without `.archive.gz`. */
	backup: string;
	/** `--from`: look only in this store. */
	from?: StoreLocation | undefined;
};

export type VerifyStoredResult = {
	archive: string;
	/** The store it came from, for people. */
	store: string;
	manifest: BackupManifest;
	/** Collections, documents and document bytes the archive holds, as read. */
	collections: number;
	documents: number;
	documentBytes: number;
	/** The archive's size as stored (what its sha256 covers). */
	bytes: number;
};

/**
 * `monarch verify`: finds a complete backup and reads it once, end to end,
 * checking it against its manifest with {@link verifyBackup} (sha256 and
 * size, the collection list and its metadata digests, every collection's
 * CRC-64 and document count) without loading it anywhere. Throws the same
 * one-line 'corrupt' error a restore of it would.
 */
export async function verifyStoredBackup(options: VerifyStoredOptions): Promise<VerifyStoredResult> {
	const events = options.events ?? ignoreEvents;
	const {store, archive, manifest} = await findBackup(options.config, options.backup, {
		from: options.from,
		...(options.signal ? {signal: options.signal} : {}),
	});
	events({type: 'log', level: 'info', message: `Verifying ${store.description}${archive}...`});
	const verified = await verifyBackup(store, archive, manifest, {signal: options.signal});
	return {
		archive,
		store: store.description,
		manifest,
		collections: manifest.collections.length,
		documents: verified.count,
		documentBytes: verified.bytes,
		bytes: manifest.size,
	};
}
