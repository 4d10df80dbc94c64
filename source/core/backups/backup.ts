import type {Db} from 'mongodb';
import {now} from '../clock.js';
import type {CollectionInfo} from '../collections.js';
import type {ProjectConfig} from '../config/load.js';
import {connect} from '../connection.js';
import {type Environment, findEnvironment} from '../environments.js';
import {describeError, isMonarchError, MonarchError, throwIfAborted} from '../errors.js';
import {ignoreEvents, type OperationOptions} from '../events.js';
import type {Prompter} from '../prompts.js';
import {runQuerySet} from '../querysets/run.js';
import type {QuerySetRun, Selection} from '../querysets/selection.js';
import {planScrub, type ScrubPlan, scrubberFor} from '../scrub/policy.js';
import type {BackupStore, StoreLocation} from '../storage/contract.js';
import {isNameTaken} from '../storage/name-taken.js';
import {storeFor} from '../storage/stores.js';
import {type SubsetInUse, type SubsetRequest, subsetFor} from '../subset/subset-for.js';
import type {SubsetEstimate} from '../subset-estimate.js';
import {monarchVersion} from '../version.js';
import {writeManifest} from './catalogue.js';
import {createDigestStream} from './digest.js';
import {dumpDatabase} from './dump.js';
import type {BackupManifest, BackupSubset} from './manifest.js';
import {backupBaseName, nextBackupName} from './naming.js';

export type BackupOptions = OperationOptions & {
	config: ProjectConfig;
	environment: string;
	/** `--name`: the first part of the archive name instead of the database name. */
	name?: string | undefined;
	/** `--query-set`: a QuerySet that picks the collections and documents to back up. */
	querySet?: string | undefined;
	/** Answers the QuerySet's prompts. */
	prompter: Prompter;
	/** `--to`: the store to write to; the local folder when configured, else S3. */
	store?: StoreLocation | undefined;
	/** `--scrub`: replace personal data by the scrub rules (backups are faithful otherwise). */
	scrub?: boolean | undefined;
	/** `--subset` and its flags: back up a slice that follows the references (its large sets spill to the source's own server, the only one a backup has). */
	subset?: SubsetRequest | undefined;
};

export type BackupResult = {
	environment: string;
	database: string;
	/** The archive's object name, e.g. `shop__2026_11_23.archive.gz`. */
	archive: string;
	location: StoreLocation;
	/** The store for people: `backups/` or `s3://bucket/prefix/`. */
	store: string;
	manifest: BackupManifest;
	/** Uncompressed archive bytes (the gzipped size is `manifest.size`). */
	archiveBytes: number;
};

/**
 * Backs up an environment's database (or a QuerySet's part of it) as a
 * gzipped mongodump archive in a store, then writes its manifest, last. The
 * QuerySet's questions are answered before anything is written. On failure or
 * abort nothing is listed as complete: the store drops a partial archive, and
 * a failed manifest write deletes the archive.
 */
export async function backup(options: BackupOptions): Promise<BackupResult> {
	const {config} = options;
	const environment = findEnvironment(config.environments, options.environment, config.displayFile);
	const base = backupBaseName(environment.database, options.name);
	const store = storeFor(config, options.store);
	const scrub = options.scrub ? planScrub(config, environment, undefined, true, `backup ${environment.name}`) : undefined;
	const connection = await connect(environment, {access: 'write', lock: config.lock, events: options.events, signal: options.signal});
	let subset: SubsetInUse | undefined;
	try {
		const querySet = options.querySet
			? await runQuerySet({
					config,
					name: options.querySet,
					database: connection.db,
					environment: environment.name,
					prompter: options.prompter,
					events: options.events,
					signal: options.signal,
				})
			: undefined;
		subset = await subsetFor({
			config,
			request: options.subset,
			querySet,
			db: connection.db,
			environment: environment.name,
			spillOn: environment,
			events: options.events,
			signal: options.signal,
			what: `backup ${environment.name}`,
		});
		return await writeBackup({
			db: connection.db,
			environment,
			store,
			base,
			querySet,
			selection: subset?.selection,
			subset: subset?.estimate,
			scrub: scrub?.scrub ? {plan: scrub, config} : undefined,
			splitCollections: config.splitCollections,
			events: options.events,
			signal: options.signal,
		});
	} finally {
		await subset?.drop().catch(() => {});
		await connection.close();
	}
}

export type WriteBackupOptions = OperationOptions & {
	db: Db;
	environment: Environment;
	store: BackupStore;
	/** The archive name's first part (already checked). */
	base: string;
	querySet?: QuerySetRun | undefined;
	/** What is dumped when not the QuerySet's selection (a subset's). */
	selection?: Selection | undefined;
	/** The subset's estimate, when `selection` is a subset's: recorded in the manifest. */
	subset?: SubsetEstimate | undefined;
	/** Names the job in progress events; `backup <env>` by default. */
	label?: string;
	/** `--scrub`: the plan (with its key) and the config holding the rules. */
	scrub?: {plan: ScrubPlan; config: ProjectConfig} | undefined;
	/** `backups.splitCollections` of monarch.json (large collections read in `_id` ranges); the server's default when absent. */
	splitCollections?: ProjectConfig['splitCollections'];
};

/** Names tried before giving up when stores keep refusing them because other backups took them meanwhile. */
const nameAttempts = 3;

/**
 * Dumps `db` into a new archive in `store` and writes its manifest; the core
 * of `backup` and of safety backups. It takes the next free name; when the
 * store refuses that name because another backup stored it in the meantime
 * (two backups of one name at once), nothing is overwritten and the backup is
 * taken again under the next free name, with a warning, at most
 * {@link nameAttempts} names in all; then the store's refusal is the error.
 */
export async function writeBackup(options: WriteBackupOptions): Promise<BackupResult> {
	const events = options.events ?? ignoreEvents;
	const createdAt = now();
	const refused: string[] = [];
	for (;;) {
		const archive = await nextBackupName(options.store, options.base, createdAt, options.signal, refused);
		try {
			return await writeBackupAs(archive, createdAt, options);
		} catch (error) {
			if (!isNameTaken(error) || refused.length + 1 >= nameAttempts) throw error;
			refused.push(archive);
			events({
				type: 'log',
				level: 'warn',
				message: `${archive} was taken by another backup while this one was written (nothing was overwritten); backing up again under the next free name`,
			});
		}
	}
}

async function writeBackupAs(archive: string, createdAt: Date, options: WriteBackupOptions): Promise<BackupResult> {
	const {db, environment, store, signal} = options;
	const events = options.events ?? ignoreEvents;
	throwIfAborted(signal, `the backup of ${environment.name}`);
	events({type: 'backup:started', environment: environment.name, database: environment.database, store: store.description, archive});

	const body = createDigestStream();
	const written = store.write(archive, body, signal);
	// A dump failure destroys `body`, which fails the write; a write failure breaks the dump's output.
	written.catch(() => {});
	let dumped;
	try {
		const label = options.label ?? `backup ${environment.name}`;
		const scrub = options.scrub;
		const scrubFor = scrub
			? (infos: readonly CollectionInfo[]) => scrubberFor(scrub.config, scrub.plan, infos, label, options.querySet?.scrub)
			: undefined;
		dumped = await dumpDatabase({
			db,
			output: body,
			selection: options.selection ?? options.querySet?.selection,
			label,
			scrubFor,
			splitCollections: options.splitCollections,
			events,
			signal,
		});
	} catch (error) {
		// A refused name destroys `body`, failing the dump: report the refusal, which writeBackup acts on.
		const writeError = await written.then(
			() => undefined,
			(failure: unknown) => failure,
		);
		throw isNameTaken(writeError) ? writeError : error;
	}

	const {size} = await written;
	const digest = body.digest();
	const manifest: BackupManifest = {
		manifestVersion: 1,
		archive,
		environment: environment.name,
		database: environment.database,
		createdAt: createdAt.toISOString(),
		monarchVersion,
		serverVersion: dumped.serverVersion,
		querySet: options.querySet ? {name: options.querySet.name, answers: options.querySet.answers} : null,
		collections: dumped.collections,
		sha256: digest.sha256,
		size: digest.size,
		...(options.subset ? {subset: subsetRecord(options.subset)} : {}),
		...scrubRecord(
			options,
			dumped.collections.map(collection => collection.name),
		),
	};

	try {
		if (size !== digest.size) throw new Error(`the store wrote ${size} bytes of ${digest.size}`);
		throwIfAborted(signal, `the backup of ${environment.name}`);
		await writeManifest(store, manifest);
	} catch (error) {
		const deleted = await store.delete(archive).then(
			() => true,
			() => false,
		);
		if (!deleted) throw incompleteArchiveLeft(error, store, archive);
		throw error;
	}

	return {
		environment: environment.name,
		database: environment.database,
		archive,
		location: store.location,
		store: store.description,
		manifest,
		archiveBytes: dumped.archiveBytes,
	};
}

/** What the manifest records of a subset: its flags and the documents kept of the source's. */
function subsetRecord(estimate: SubsetEstimate): BackupSubset {
	const {roots, follow, only, seed, documents, totalDocuments} = estimate;
	return {roots, follow, only, seed, documents, totalDocuments};
}

/** What the manifest says of personal data: the scrub rules applied (fingerprint and fields, never the key), or that it holds personal data. */
function scrubRecord(options: WriteBackupOptions, collections: string[]): Pick<BackupManifest, 'personalData' | 'scrub'> {
	const scrub = options.scrub;
	const rules = scrub?.config.scrub;
	if (scrub?.plan.scrub && rules) {
		const scrubbed = collections.filter(name => (rules.rules.get(name)?.length ?? 0) > 0).sort();
		return {
			scrub: {
				fingerprint: rules.fingerprint,
				collections: scrubbed.map(name => ({name, fields: (rules.rules.get(name) ?? []).map(rule => rule.path)})),
			},
		};
	}

	return options.environment.personalData ? {personalData: true} : {};
}

/** The archive was stored but its manifest was not, and deleting the archive failed too: say what is left and how to remove it. */
function incompleteArchiveLeft(error: unknown, store: BackupStore, archive: string): MonarchError {
	const code = isMonarchError(error) ? error.code : 'internal';
	return new MonarchError(
		code,
		`${describeError(error)}; the archive ${store.description}${archive} was stored but could not be deleted, so an incomplete backup (never restored) was left there`,
		{
			hint: `remove it with \`monarch prune_backups ${archive} --from ${store.location}\` (or later with \`monarch prune_backups --incomplete\`)`,
			cause: error,
		},
	);
}
