import {createHash} from 'node:crypto';
import {type ArchiveCollection, stringifyMetadata} from '../archive/index.js';
import {z} from '../zod.js';

/**
 * The manifest written beside each archive (`<archive>.manifest.json`), last:
 * a backup without one is incomplete and is never offered for restore.
 */
export type BackupManifest = {
	/** Format of this file. */
	manifestVersion: 1;
	/** The archive's object name, e.g. `shop__2026_11_23.archive.gz`. */
	archive: string;
	environment: string;
	database: string;
	createdAt: string;
	monarchVersion: string;
	/** The MongoDB server's version (buildInfo). */
	serverVersion: string;
	querySet: {name: string; answers: Record<string, unknown>} | null;
	collections: Array<{
		name: string;
		type: 'collection' | 'view' | 'timeseries';
		count: number;
		/** Bytes of raw BSON. */
		bytes: number;
		/** CRC-64 (ECMA, as mongo-tools) of the documents, 16 hex digits. */
		crc: string;
		indexes: number;
		/**
		 * sha256 (hex) of the collection's metadata as the archive holds it
		 * (options and index definitions, canonical Extended JSON): the CRCs
		 * cover documents only. Absent in manifests written before monarch 0.2.
		 */
		metadataSha256?: string;
	}>;
	/** sha256 (hex) and size of the archive file as stored (gzipped). */
	sha256: string;
	size: number;
	/** Taken from an environment marked `personalData` and not scrubbed: restoring it into an unprotected environment needs `--scrub` or `--no-scrub`. */
	personalData?: boolean;
	/** `backup --scrub`: the rules' fingerprint and the fields they scrub, by collection (never the key). */
	scrub?: {fingerprint: string; collections: Array<{name: string; fields: string[]}>};
	/** `backup --subset` (or a QuerySet's `static subset`): the slice taken, and its documents of the source's. Absent in manifests written before subsets. */
	subset?: BackupSubset;
};

/** A subset backup's slice: its roots as given (`accounts:2%`), the direction followed, `--subset-only`, the seed, the documents kept of the source's. */
export type BackupSubset = {
	roots: string[];
	follow: 'down' | 'both';
	only: boolean;
	seed: string;
	documents: number;
	totalDocuments: number;
};

export {archiveSuffix, manifestNameFor, manifestSuffix} from './object-names.js';

/** Checks a manifest read from a store (unknown fields are dropped, a newer `manifestVersion` is refused). */
export const backupManifestSchema = z.object({
	manifestVersion: z.literal(1, {error: 'manifestVersion: this monarch reads version 1 (upgrade monarch?)'}),
	archive: z.string().min(1),
	environment: z.string(),
	database: z.string(),
	createdAt: z.iso.datetime({offset: true}),
	monarchVersion: z.string(),
	serverVersion: z.string(),
	querySet: z.object({name: z.string(), answers: z.record(z.string(), z.unknown())}).nullable(),
	collections: z.array(
		z.object({
			name: z.string(),
			type: z.enum(['collection', 'view', 'timeseries']),
			count: z.number().int().nonnegative(),
			bytes: z.number().int().nonnegative(),
			crc: z.string().regex(/^[0-9a-f]{16}$/i, '16 hex digits'),
			indexes: z.number().int().nonnegative(),
			metadataSha256: z
				.string()
				.regex(/^[0-9a-f]{64}$/i, '64 hex digits')
				.optional(),
		}),
	),
	sha256: z.string().regex(/^[0-9a-f]{64}$/i, '64 hex digits'),
	size: z.number().int().nonnegative(),
	personalData: z.boolean().optional(),
	scrub: z.object({fingerprint: z.string(), collections: z.array(z.object({name: z.string(), fields: z.array(z.string())}))}).optional(),
	subset: z
		.object({
			roots: z.array(z.string()),
			follow: z.enum(['down', 'both']),
			only: z.boolean(),
			seed: z.string(),
			documents: z.number().int().nonnegative(),
			totalDocuments: z.number().int().nonnegative(),
		})
		.optional(),
}) satisfies z.ZodType<BackupManifest>;

/** The manifest's `metadataSha256` of a collection's metadata: sha256 of the prelude's canonical Extended JSON string. */
export function metadataDigest(metadata: ArchiveCollection['metadata']): string {
	return createHash('sha256')
		.update(metadata ? stringifyMetadata(metadata) : '')
		.digest('hex');
}
