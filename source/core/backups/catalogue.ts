import {Readable} from 'node:stream';
import pMap from 'p-map';
import type {ProjectConfig} from '../config/load.js';
import {describeError, firstLine, isMonarchError, MonarchError} from '../errors.js';
import {redact} from '../redact.js';
import type {BackupStore, StoredObject, StoreLocation} from '../storage/contract.js';
import {readWhole} from '../storage/read-whole.js';
import {openStores, storeFor} from '../storage/stores.js';
import {archiveSuffix, type BackupManifest, type BackupSubset, backupManifestSchema, manifestNameFor, manifestSuffix} from './manifest.js';
import {archiveNameOf} from './naming.js';

/** One backup as `list_backups` shows it. */
export type BackupEntry = {
	/** The archive's object name, e.g. `shop__2026_11_23.archive.gz`. */
	archive: string;
	location: StoreLocation;
	/** The store, for people: `backups/` or `s3://bucket/prefix/`. */
	store: string;
	/** Bytes of the archive as stored; null when the archive is missing. */
	size: number | null;
	environment: string | null;
	database: string | null;
	/** From the manifest, else the archive's (or manifest's) modification time. */
	createdAt: Date;
	querySet: BackupManifest['querySet'];
	/** `backup --subset`: the slice it holds (roots, follow, only, seed, documents of the source's); null for a whole backup or one without a manifest. */
	subset: BackupSubset | null;
	/** A part of its source (a QuerySet's or a subset's): restoring it replaces the target's whole data with that part. */
	partial: boolean;
	/** Only a complete backup (archive and valid manifest) is ever restored. */
	state: 'complete' | 'incomplete';
	/** Why an incomplete backup is incomplete. */
	problem?: string;
	manifest?: BackupManifest;
};

/** What {@link listBackups} found, and what it could not look at. */
export type BackupList = {
	/** Newest first. */
	backups: BackupEntry[];
	/** One line per store that could not be listed or manifest that could not be read. */
	warnings: string[];
};

/** The largest manifest we read (a manifest lists collections, so it stays small). */
const maxManifestBytes = 16 * 1024 * 1024;

/**
 * Every backup in every configured store (or only `from`), newest first. A
 * store that cannot be listed (an unreachable S3) becomes a warning and the
 * others are still listed; only when no store could be listed does it throw.
 */
export async function listBackups(config: ProjectConfig, options: {signal?: AbortSignal; from?: StoreLocation} = {}): Promise<BackupList> {
	const stores = options.from ? [storeFor(config, options.from)] : openStores(config);
	if (stores.length === 0) storeFor(config); // Throws the "no backups configured" error.
	const warnings: string[] = [];
	const backups: BackupEntry[] = [];
	const failures: unknown[] = [];
	const results = await Promise.all(
		stores.map(async store => {
			try {
				return await backupsIn(store, warnings, options.signal);
			} catch (error) {
				if (isMonarchError(error) && error.code === 'cancelled') throw error;
				failures.push(error);
				warnings.push(redact(`${store.description}: not listed: ${describeError(error)}`));
				return [];
			}
		}),
	);
	if (failures.length === stores.length) throw failures[0];
	for (const entries of results) backups.push(...entries);
	backups.sort(
		(a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.archive.localeCompare(a.archive) || a.location.localeCompare(b.location),
	);
	return {backups, warnings};
}

async function backupsIn(store: BackupStore, warnings: string[], signal?: AbortSignal): Promise<BackupEntry[]> {
	const objects = new Map((await store.list(signal)).map(object => [object.name, object]));
	const archives = new Set<string>();
	for (const name of objects.keys()) {
		if (name.endsWith(archiveSuffix)) archives.add(name);
		else if (name.endsWith(`${archiveSuffix}${manifestSuffix}`)) archives.add(name.slice(0, -manifestSuffix.length));
	}

	return pMap(
		[...archives],
		async archive => {
			const object = objects.get(archive);
			const manifestObject = objects.get(manifestNameFor(archive));
			const entry = (problem: string | undefined, manifest?: BackupManifest): BackupEntry => ({
				archive,
				location: store.location,
				store: store.description,
				size: object?.size ?? null,
				environment: manifest?.environment ?? null,
				database: manifest?.database ?? null,
				createdAt: manifest ? new Date(manifest.createdAt) : (object ?? manifestObject)!.modifiedAt,
				querySet: manifest?.querySet ?? null,
				subset: manifest?.subset ?? null,
				partial: Boolean(manifest?.querySet ?? manifest?.subset),
				state: problem ? 'incomplete' : 'complete',
				...(problem ? {problem} : {}),
				...(manifest ? {manifest} : {}),
			});

			if (!manifestObject) return entry('no manifest: interrupted or still being written');
			let manifest: BackupManifest;
			try {
				manifest = await readManifest(store, archive, signal);
			} catch (error) {
				if (isMonarchError(error) && error.code === 'cancelled') throw error;
				warnings.push(redact(describeError(error)));
				return entry('unreadable manifest');
			}

			return entry(problemWith(archive, object, manifest), manifest);
		},
		{concurrency: 8},
	);
}

/** Why an archive and its (valid) manifest do not make a complete backup, or undefined. */
function problemWith(archive: string, object: StoredObject | undefined, manifest: BackupManifest): string | undefined {
	if (!object) return 'archive missing';
	if (manifest.archive !== archive) return `manifest describes ${manifest.archive}`;
	if (manifest.size !== object.size) return `archive is ${object.size} bytes, manifest says ${manifest.size}`;
	return undefined;
}

/** A complete backup found by {@link findBackup}. */
export type FoundBackup = {store: BackupStore; archive: string; manifest: BackupManifest};

/**
 * A complete backup by name (with or without `.archive.gz`), from any
 * configured store or only `from`. Refuses an incomplete backup, and a name
 * that exists complete in both stores (pick one with `--from`).
 */
export async function findBackup(
	config: ProjectConfig,
	ref: string,
	options: {from?: StoreLocation; signal?: AbortSignal} = {},
): Promise<FoundBackup> {
	const archive = archiveNameOf(ref);
	const stores = options.from ? [storeFor(config, options.from)] : openStores(config);
	if (stores.length === 0) storeFor(config);

	type Look = {store: BackupStore; manifest?: BackupManifest; problem?: MonarchError; failure?: unknown};
	const looks = await Promise.all(
		stores.map(async (store): Promise<Look> => {
			try {
				return {store, ...(await lookIn(store, archive, options.signal))};
			} catch (error) {
				if (isMonarchError(error) && error.code === 'cancelled') throw error;
				return {store, failure: error};
			}
		}),
	);

	const complete = looks.filter(look => look.manifest);
	if (complete.length > 1) {
		throw new MonarchError('usage', `Backup ${archive} exists in both ${complete.map(look => look.store.description).join(' and ')}`, {
			hint: 'pick one with --from local or --from s3',
		});
	}

	const [found] = complete;
	if (found?.manifest) return {store: found.store, archive, manifest: found.manifest};

	const broken = looks.find(look => look.problem);
	if (broken?.problem) throw broken.problem;
	const failed = looks.find(look => look.failure);
	if (failed) throw failed.failure;
	throw new MonarchError('not-found', `No backup ${archive} in ${stores.map(store => store.description).join(' or ')}`, {
		hint: 'see `monarch list_backups`',
	});
}

/** A store's view of one archive: its manifest when complete, the reason when not, nothing when absent. */
async function lookIn(
	store: BackupStore,
	archive: string,
	signal?: AbortSignal,
): Promise<{manifest?: BackupManifest; problem?: MonarchError}> {
	const [hasArchive, hasManifest] = await Promise.all([store.exists(archive, signal), store.exists(manifestNameFor(archive), signal)]);
	const where = `${store.description}${archive}`;
	if (!hasArchive && !hasManifest) return {};
	if (!hasManifest) {
		return {
			problem: new MonarchError('corrupt', `Backup ${where} is incomplete: it has no manifest`, {
				hint: 'it was interrupted (or is still being written) and will never be restored; take a new backup',
			}),
		};
	}

	const manifest = await readManifest(store, archive, signal);
	if (!hasArchive) {
		return {
			problem: new MonarchError('not-found', `Backup ${where} is incomplete: its manifest is there but the archive is missing`, {
				hint: 'take a new backup',
			}),
		};
	}

	if (manifest.archive !== archive) {
		return {
			problem: new MonarchError('corrupt', `Backup ${where}: its manifest describes ${manifest.archive}`, {
				hint: 'the manifest was renamed or copied; take a new backup',
			}),
		};
	}

	return {manifest};
}

/** Writes `<archive>.manifest.json` beside the archive (validated first). Write it LAST: it marks the backup complete. */
export async function writeManifest(store: BackupStore, manifest: BackupManifest, signal?: AbortSignal): Promise<void> {
	const checked = backupManifestSchema.safeParse(manifest);
	if (!checked.success) {
		const issue = checked.error.issues[0];
		throw new MonarchError(
			'internal',
			`Refusing to write an invalid manifest for ${manifest.archive}: ${issue?.path.join('.')}: ${issue?.message}`,
		);
	}

	const body = Buffer.from(`${JSON.stringify(checked.data, null, '\t')}\n`);
	await store.write(manifestNameFor(manifest.archive), Readable.from([body]), signal);
}

/**
 * Reads and validates an archive's manifest. A missing one is 'not-found';
 * one that is not JSON or not a manifest is 'corrupt', naming the problem.
 */
export async function readManifest(store: BackupStore, archive: string, signal?: AbortSignal): Promise<BackupManifest> {
	const name = manifestNameFor(archive);
	const where = `${store.description}${name}`;
	const bytes = await readWhole(store, name, maxManifestBytes, signal);
	if (bytes === undefined) {
		throw new MonarchError('corrupt', `${where}: not a manifest (over ${maxManifestBytes} bytes)`, {
			hint: 'the backup is incomplete; take a new one',
		});
	}

	let json: unknown;
	try {
		json = JSON.parse(bytes.toString('utf8'));
	} catch (error) {
		throw new MonarchError('corrupt', `${where}: invalid JSON (${firstLine((error as Error).message)})`, {
			hint: 'the backup is incomplete; take a new one',
		});
	}

	const parsed = backupManifestSchema.safeParse(json);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		const field = issue?.path.length ? `${issue.path.join('.')}: ` : '';
		throw new MonarchError('corrupt', `${where}: invalid manifest: ${field}${issue?.message ?? 'invalid'}`, {
			hint: 'the backup is incomplete; take a new one',
		});
	}

	return parsed.data;
}
