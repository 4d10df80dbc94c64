import type {Document} from 'mongodb';
import type {ArchiveEvent} from '../archive/index.js';
import type {ProjectConfig} from '../config/load.js';
import {confirmDestructive} from '../confirm.js';
import {connect} from '../connection.js';
import {findEnvironment} from '../environments.js';
import {MonarchError, throwIfAborted} from '../errors.js';
import {ignoreEvents, type OperationOptions} from '../events.js';
import type {Prompter} from '../prompts.js';
import type {StoreLocation} from '../storage/contract.js';
import type {BackupResult} from './backup.js';
import {findBackup} from './catalogue.js';
import {infoType, type CollectionInfo} from './collections.js';
import type {BackupManifest} from './manifest.js';
import {assertLoadable, type StagingLoad} from './staging.js';
import {loadIntoTarget, safetyStoreFor} from './target.js';
import {createBackupCheck, verifyBackup} from './verify.js';
import {counted} from '../plural.js';

export type RestoreOptions = OperationOptions & {
	config: ProjectConfig;
	/** The backup's name, with or without `.archive.gz`. */
	backup: string;
	/** The target environment. */
	environment: string;
	/** `--from`: look only in this store. */
	from?: StoreLocation | undefined;
	/** `--yes`: confirmed up front. */
	yes?: boolean | undefined;
	prompter: Prompter;
	/** Take a safety backup of a protected target first (default true; `--no-safety-backup`). */
	safetyBackup?: boolean | undefined;
};

export type RestoreResult = {
	archive: string;
	/** The store it came from, for people. */
	store: string;
	manifest: BackupManifest;
	environment: string;
	database: string;
	/** Documents restored per collection. */
	collections: Array<{name: string; count: number}>;
	/** The target's collections that the backup does not have, dropped. */
	dropped: string[];
	safetyBackup: BackupResult | undefined;
};

/** Insert batches in flight at once, whichever collections they belong to (one window: the archive's order decides the mix). */
const insertConcurrency = 4;

/**
 * Restores a complete backup into an environment: confirm, verify the whole
 * backup (before touching the target), take a safety backup of a protected
 * target, load into staging collections, and swap them in only when all of it
 * succeeded; the end state equals the backup.
 */
export async function restore(options: RestoreOptions): Promise<RestoreResult> {
	const {config, signal} = options;
	const events = options.events ?? ignoreEvents;
	const target = findEnvironment(config.environments, options.environment, config.displayFile);
	const found = await findBackup(config, options.backup, {from: options.from, signal});
	const {store, archive, manifest} = found;
	assertLoadable(manifest.collections, `Backup ${archive}`);
	const safetyStore = safetyStoreFor(config, target, options.safetyBackup ?? true);
	const connection = await connect(target, {access: 'write', lock: config.lock, events, signal});
	try {
		const source = `${manifest.environment} (database ${manifest.database}, ${manifest.createdAt.slice(0, 19).replace('T', ' ')} UTC${manifest.querySet ? `, QuerySet ${manifest.querySet.name}` : ''})`;
		await confirmDestructive(target, `Restore backup ${archive} of ${source} into ${target.name} (database ${target.database}), replacing its data`, {
			yes: options.yes,
			prompter: options.prompter,
		});

		events({type: 'log', level: 'info', message: `Verifying ${store.description}${archive}...`});
		const verified = await verifyBackup(store, archive, manifest, {signal});
		events({type: 'restore:verified', source: `${store.description}${archive}`, collections: manifest.collections.length, documents: verified.count, bytes: manifest.size, sha256: manifest.sha256});

		const label = `restore ${target.name}`;
		const totals = new Map(manifest.collections.filter(entry => entry.type !== 'view').map(entry => [entry.name, entry.count]));
		const loaded = await loadIntoTarget({
			config,
			target,
			db: connection.db,
			label,
			kind: 'restore',
			safetyStore,
			totals,
			events,
			signal,
			async load(staging) {
				const input = await store.read(archive, signal);
				try {
					await loadArchive(staging, createBackupCheck(store, archive, manifest), input, signal);
				} finally {
					input.destroy();
				}

				for (const entry of manifest.collections) {
					if (entry.type !== 'view' && staging.count(entry.name) !== entry.count) {
						throw new MonarchError('internal', `Restored ${staging.count(entry.name)} documents of ${entry.name}, the backup has ${entry.count}; nothing was changed`);
					}
				}
			},
		});

		return {
			archive,
			store: store.description,
			manifest,
			environment: target.name,
			database: target.database,
			collections: manifest.collections.filter(entry => entry.type !== 'view').map(entry => ({name: entry.name, count: loaded.counts.get(entry.name) ?? 0})),
			dropped: loaded.dropped,
			safetyBackup: loaded.safetyBackup,
		};
	} finally {
		await connection.close();
	}
}

/** Reads an archive's events while checking them against what was verified: consume `events`, then call `finish`. */
export type ArchiveCheck = {
	events(source: AsyncIterable<Uint8Array | string>, signal?: AbortSignal): AsyncIterable<ArchiveEvent>;
	finish(): void;
};

/**
 * Feeds an archive into a staging load: the prelude plans the collections,
 * document batches are inserted (up to `insertConcurrency` in flight), and
 * each collection's indexes are built once its own batches are in.
 * The check re-verifies CRCs and the sha256, so what is loaded is what was verified.
 */
export async function loadArchive(staging: StagingLoad, check: ArchiveCheck, input: AsyncIterable<Uint8Array>, signal: AbortSignal | undefined): Promise<void> {
	const byCollection = new Map<string, Set<Promise<void>>>();
	const inFlight = new Set<Promise<void>>();
	const state = {failure: undefined as {error: unknown} | undefined};
	const rethrow = () => {
		if (state.failure) throw state.failure.error;
	};
	const track = (name: string, work: Promise<void>) => {
		const settled = work.then(
			() => {},
			(error: unknown) => {
				state.failure ??= {error};
			},
		);
		const mine = byCollection.get(name) ?? new Set<Promise<void>>();
		byCollection.set(name, mine);
		mine.add(settled);
		inFlight.add(settled);
		void settled.then(() => {
			mine.delete(settled);
			inFlight.delete(settled);
		});
	};

	try {
		for await (const event of check.events(input, signal)) {
			rethrow();
			if (event.type === 'prelude') {
				const plan: CollectionInfo[] = event.collections.map(entry => ({
					name: entry.collection,
					type: infoType(entry.type),
					options: (entry.metadata?.options as Document | undefined) ?? {},
					indexes: entry.metadata?.indexes ?? [],
				}));
				await staging.prepare(plan);
			} else if (event.type === 'documents') {
				while (inFlight.size >= insertConcurrency) await Promise.race(inFlight);
				rethrow();
				// insert reads the buffers before it first waits, so the reader may reuse its chunks.
				track(event.collection, staging.insert(event.collection, event.documents));
			} else if (event.type === 'end') {
				const previous = [...(byCollection.get(event.collection) ?? [])];
				track(event.collection, (async () => {
					await Promise.all(previous);
					if (!state.failure) await staging.finishCollection(event.collection);
				})());
			}
		}

		await Promise.all(inFlight);
		rethrow();
		check.finish();
		throwIfAborted(signal, 'the restore');
	} finally {
		// Nothing may still write to staging collections when they are dropped.
		await Promise.allSettled(inFlight);
	}
}
