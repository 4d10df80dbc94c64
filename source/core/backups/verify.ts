import type {ArchivePreludeEntry} from '../archive/index.js';
import type {BackupStore} from '../storage/contract.js';
import {type ArchiveCheck, type CheckedArchive, createArchiveCheck} from './archive-check.js';
import {type BackupManifest, metadataDigest} from './manifest.js';

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
export async function verifyBackup(
	store: BackupStore,
	archive: string,
	manifest: BackupManifest,
	options: {signal?: AbortSignal | undefined} = {},
): Promise<VerifiedBackup> {
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
	return verifiedBackup(check.result());
}

/** What a backup's checked read holds: its collections, and their documents and bytes added up. */
export function verifiedBackup(checked: CheckedArchive): VerifiedBackup {
	const ends = [...checked.ends.values()];
	return {
		collections: checked.collections,
		count: ends.reduce((sum, entry) => sum + entry.count, 0),
		bytes: ends.reduce((sum, entry) => sum + entry.bytes, 0),
	};
}

/**
 * The archive check (archive-check.ts) with a manifest's rules: the
 * prelude's collections, their database and metadata digests, each
 * collection's count and CRC, and the archive's size and sha256 must be
 * those the manifest recorded. The one check of `monarch verify` and of
 * restore, which runs it while loading into staging collections, so nothing
 * corrupt is ever swapped in.
 */
export function createBackupCheck(store: BackupStore, archive: string, manifest: BackupManifest): ArchiveCheck {
	const expected = new Map(manifest.collections.map(entry => [entry.name, entry]));
	return createArchiveCheck({
		noun: 'Backup',
		where: `${store.description}${archive}`,
		hint,
		prelude(collections, corrupt) {
			const names = collections.map(entry => entry.collection);
			const missing = [...expected.keys()].filter(name => !names.includes(name));
			const extra = names.filter(name => !expected.has(name));
			if (missing.length > 0 || extra.length > 0) {
				throw corrupt(
					`its collections do not match the manifest (${[...missing.map(name => `missing ${name}`), ...extra.map(name => `unexpected ${name}`)].join(', ')})`,
				);
			}

			for (const entry of collections) {
				if (entry.db !== manifest.database)
					throw corrupt(`collection ${entry.collection} belongs to database ${entry.db}, the manifest says ${manifest.database}`);
				const recorded = expected.get(entry.collection)?.metadataSha256;
				if (recorded !== undefined && recorded.toLowerCase() !== metadataDigest(entry.metadata)) {
					throw corrupt(`the options or index definitions of ${entry.collection} differ from those the manifest recorded`);
				}
			}

			return collections;
		},
		end(event, corrupt) {
			const entry = expected.get(event.collection);
			if (!entry) throw corrupt(`unexpected collection ${event.collection}`);
			if (entry.count !== event.count) throw corrupt(`${event.collection} has ${event.count} documents, the manifest says ${entry.count}`);
			if (entry.crc.toLowerCase() !== event.crc) throw corrupt(`${event.collection} has CRC ${event.crc}, the manifest says ${entry.crc}`);
		},
		digest({sha256, size}, corrupt) {
			if (size !== manifest.size) throw corrupt(`it is ${size} bytes, the manifest says ${manifest.size}`);
			if (sha256 !== manifest.sha256.toLowerCase()) throw corrupt(`its sha256 is ${sha256}, the manifest says ${manifest.sha256}`);
		},
	});
}
