import {readArchive, type ArchiveEvent, type ArchivePreludeEntry} from '../archive/index.js';
import {isMonarchError, MonarchError} from '../errors.js';
import type {BackupStore} from '../storage/contract.js';
import {digestChunks} from './digest.js';
import {metadataDigest, type BackupManifest} from './manifest.js';

const hint = 'nothing was changed; restore from another backup';

/** What a verified backup holds. */
export type VerifiedBackup = {
	collections: ArchivePreludeEntry[];
	count: number;
	bytes: number;
};

/**
 * Reads a backup's archive once, end to end, and checks it against its
 * manifest: sha256 and size, the prelude's collections, every collection's
 * CRC-64 and document count. Throws a 'corrupt' MonarchError naming the
 * backup when anything differs or the archive cannot be read.
 */
export async function verifyBackup(store: BackupStore, archive: string, manifest: BackupManifest, options: {signal?: AbortSignal | undefined} = {}): Promise<VerifiedBackup> {
	const source = await store.read(archive, options.signal);
	const check = createBackupCheck(store, archive, manifest);
	try {
		for await (const _event of check.events(source, options.signal)) {
			// Reading is the check.
		}
	} finally {
		source.destroy();
	}

	check.finish();
	return check.result();
}

/**
 * Checks an archive against its manifest while it is being read: wrap the
 * store's stream with `events`, consume them, then call `finish` (which
 * throws unless every check passed) and read what was checked with `result`.
 * The one check of `monarch verify` and of restore, which runs it while
 * loading into staging collections, so nothing corrupt is ever swapped in.
 */
export function createBackupCheck(store: BackupStore, archive: string, manifest: BackupManifest) {
	const where = `${store.description}${archive}`;
	const corrupt = (problem: string, cause?: unknown) => new MonarchError('corrupt', `Backup ${where} is corrupt: ${problem}`, {hint, cause});
	const expected = new Map(manifest.collections.map(entry => [entry.name, entry]));
	const ended = new Map<string, {count: number; bytes: number}>();
	let collections: ArchivePreludeEntry[] = [];
	let finished = false;
	let digest: ReturnType<typeof digestChunks> | undefined;
	let preludeSeen = false;

	return {
		async * events(source: AsyncIterable<Uint8Array | string>, signal?: AbortSignal): AsyncGenerator<ArchiveEvent> {
			digest = digestChunks(source);
			try {
				for await (const event of readArchive(digest, {source: where, signal})) {
					if (event.type === 'prelude') {
						preludeSeen = true;
						collections = event.collections;
						const names = event.collections.map(entry => entry.collection);
						const missing = [...expected.keys()].filter(name => !names.includes(name));
						const extra = names.filter(name => !expected.has(name));
						if (missing.length > 0 || extra.length > 0) {
							throw corrupt(`its collections do not match the manifest (${[...missing.map(name => `missing ${name}`), ...extra.map(name => `unexpected ${name}`)].join(', ')})`);
						}

						for (const entry of event.collections) {
							if (entry.db !== manifest.database) throw corrupt(`collection ${entry.collection} belongs to database ${entry.db}, the manifest says ${manifest.database}`);
							const recorded = expected.get(entry.collection)?.metadataSha256;
							if (recorded !== undefined && recorded.toLowerCase() !== metadataDigest(entry.metadata)) {
								throw corrupt(`the options or index definitions of ${entry.collection} differ from those the manifest recorded`);
							}
						}
					} else if (event.type === 'end') {
						const entry = expected.get(event.collection);
						if (!entry) throw corrupt(`unexpected collection ${event.collection}`);
						if (entry.count !== event.count) throw corrupt(`${event.collection} has ${event.count} documents, the manifest says ${entry.count}`);
						if (entry.crc.toLowerCase() !== event.crc) throw corrupt(`${event.collection} has CRC ${event.crc}, the manifest says ${entry.crc}`);
						ended.set(event.collection, {count: event.count, bytes: event.bytes});
					}

					yield event;
				}
			} catch (error) {
				if (isMonarchError(error)) {
					if (error.code === 'corrupt' && !error.message.startsWith(`Backup ${where}`)) {
						throw new MonarchError('corrupt', error.message.replace(/^Archive /, 'Backup '), {hint, cause: error});
					}
				}

				throw error;
			}
		},
		/** Checks what the whole read added up to; call it after the events are consumed. */
		finish(): void {
			if (!digest || !preludeSeen) throw corrupt('it has no collection list');
			const unended = [...expected.keys()].filter(name => !ended.has(name));
			if (unended.length > 0) throw corrupt(`it ends before ${unended.join(', ')} ended`);
			const {sha256, size} = digest.digest();
			if (size !== manifest.size) throw corrupt(`it is ${size} bytes, the manifest says ${manifest.size}`);
			if (sha256 !== manifest.sha256.toLowerCase()) throw corrupt(`its sha256 is ${sha256}, the manifest says ${manifest.sha256}`);
			finished = true;
		},
		/** What the read checked; only after `finish` passed. */
		result(): VerifiedBackup {
			if (!finished) throw new MonarchError('internal', `Backup ${where} was not checked to the end`);
			return {
				collections,
				count: [...ended.values()].reduce((sum, entry) => sum + entry.count, 0),
				bytes: [...ended.values()].reduce((sum, entry) => sum + entry.bytes, 0),
			};
		},
	};
}
