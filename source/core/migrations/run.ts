import type {Db, MongoClient} from 'mongodb';
import type {ProjectConfig} from '../config/load.js';
import {confirmProtected} from '../confirm.js';
import {connect} from '../connection.js';
import {findEnvironment, type Environment} from '../environments.js';
import {MonarchError, throwIfAborted} from '../errors.js';
import {ignoreEvents, type EventSink, type OperationOptions} from '../events.js';
import {loadBrandedClass} from '../load-module.js';
import type {Prompter} from '../prompts.js';
import {monarchVersion, runnerIdentity} from '../version.js';
import {discoverMigrations, type MigrationFile} from './discover.js';
import {history, readHistory, type HistoryEntry} from './history.js';
import {migrationsLockName} from './list.js';
import {acquireLock, type HeldLock} from '../lease-lock.js';
import {migrationBrand, type MigrationClass} from './migration.js';
import {counted} from '../plural.js';
import type {BackupResult} from '../backups/backup.js';
import {safetyStoreFor, takeSafetyBackup} from '../backups/safety-backup.js';

export type MigrateOptions = OperationOptions & {
	config: ProjectConfig;
	environment: string;
	prompter: Prompter;
	/** Confirmed up front (`--yes`), for protected environments in CI. */
	yes?: boolean;
	/** Back up a protected environment before running anything; `false` is `--no-safety-backup`. Defaults to the config's `migrate.safetyBackup` (true). */
	safetyBackup?: boolean | undefined;
};

export type MigrateResult = {
	environment: string;
	ran: Array<{key: string; durationMs: number}>;
	/** The backup taken before the first migration ran (protected environments only). */
	safetyBackup?: BackupResult | undefined;
};

/** Runs every pending migration in order, stopping at the first failure. */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
	return runMigrations(options, undefined);
}

/** Runs one migration whatever its state (the seed's force). */
export async function migrateOne(options: MigrateOptions & {key: string}): Promise<MigrateResult> {
	return runMigrations(options, options.key);
}

async function runMigrations(options: MigrateOptions, onlyKey: string | undefined): Promise<MigrateResult> {
	const {config} = options;
	const events = options.events ?? ignoreEvents;
	const environment = findEnvironment(config.environments, options.environment, config.displayFile);
	const files = await discoverMigrations(config.migrationsDir);
	if (onlyKey !== undefined && !files.some(file => file.key === onlyKey)) {
		throw new MonarchError('not-found', `No migration "${onlyKey}" in ${config.migrationsDir}`, {
			hint: `see \`monarch list_migrations ${environment.name}\``,
		});
	}

	const connection = await connect(environment, {access: 'write', lock: config.lock, events, signal: options.signal});
	try {
		const before = await readHistory(connection.db);
		const planned = onlyKey === undefined ? files.filter(file => before.get(file.key)?.state !== 'Completed') : files.filter(file => file.key === onlyKey);
		if (planned.length === 0) {
			events({type: 'log', level: 'info', message: `Nothing to migrate on ${environment.name}: ${files.length === 1 ? 'its one migration is' : `all ${files.length} migrations are`} completed`});
			return {environment: environment.name, ran: []};
		}

		// Checked before anything is loaded or asked: a protected environment with no store to back it up to is refused.
		const safetyStore = safetyStoreFor(config, environment, options.safetyBackup ?? config.migrate.safetyBackup);

		// Every file that may run must load before anything runs.
		const classes = new Map<string, MigrationClass>();
		for (const file of planned) classes.set(file.key, await loadMigration(file));

		const what = onlyKey === undefined ? `Run ${counted(planned.length, 'pending migration')}` : `Run migration ${onlyKey}`;
		await confirmProtected(environment, what, {yes: options.yes, prompter: options.prompter});

		const lock = await acquireLock(connection.db, migrationsLockName, {
			leaseMs: config.lock.leaseMs,
			waitMs: config.lock.waitMs,
			events,
			signal: options.signal,
		});
		try {
			// Another run may have gone first while we waited: decide again under the lock.
			const entries = await readHistory(connection.db);
			const toRun = onlyKey === undefined ? files.filter(file => entries.get(file.key)?.state !== 'Completed') : planned;
			if (onlyKey === undefined) assertNotBlocked(toRun, entries, environment);
			if (toRun.length === 0) {
				events({type: 'log', level: 'info', message: `Nothing to migrate on ${environment.name}: another run completed them`});
				return {environment: environment.name, ran: []};
			}

			const safetyBackup = safetyStore ? await takeSafetyBackup({db: connection.db, target: environment, store: safetyStore, kind: 'migrate', events, signal: options.signal}) : undefined;
			const recorded = safetyBackup ? {store: safetyBackup.store, archive: safetyBackup.archive} : undefined;
			const ran: MigrateResult['ran'] = [];
			for (const file of toRun) {
				throwIfAborted(options.signal, `the migrations on ${environment.name} before ${file.key}`);
				if (lock.lost) throw lostLock(environment);
				const migrationClass = classes.get(file.key) ?? (await loadMigration(file));
				const durationMs = await runOne({file, migrationClass, environment, client: connection.client, db: connection.db, lock, safetyBackup: recorded, events, signal: options.signal});
				ran.push({key: file.key, durationMs});
			}

			return {environment: environment.name, ran, safetyBackup};
		} finally {
			await lock.release().catch(() => {});
		}
	} finally {
		await connection.close();
	}
}

/** Loads a migration file and finds its class (the one loader of migrate, migrate_one and rehearse); a syntax error or missing class throws. */
export async function loadMigration(file: MigrationFile): Promise<MigrationClass> {
	return loadBrandedClass<MigrationClass>(file.file, migrationBrand, 'migration', 'export default class ... extends MongoBackedMigration');
}

function assertNotBlocked(toRun: MigrationFile[], entries: Map<string, HistoryEntry>, environment: Environment): void {
	for (const file of toRun) {
		const entry = entries.get(file.key);
		if (entry?.state === 'Failed') {
			throw new MonarchError('blocked', `Migration ${file.key} failed on ${environment.name}: ${entry.error?.message ?? 'unknown error'}; later migrations wait for it`, {
				hint: `fix it, then run \`monarch migrate_one ${file.key} ${environment.name}\``,
			});
		}

		if (entry?.state === 'Processing') {
			const by = `${entry.ranBy.user}@${entry.ranBy.host} pid ${entry.ranBy.pid}`;
			throw new MonarchError('blocked', `Migration ${file.key} was interrupted on ${environment.name} (started ${entry.startedAt.toISOString()} by ${by}, which is gone); later migrations wait for it`, {
				hint: `check what it changed, then run \`monarch migrate_one ${file.key} ${environment.name}\``,
			});
		}
	}
}

function lostLock(environment: Environment): MonarchError {
	return new MonarchError('locked', `Lost the migration lock on ${environment.name} (this process stalled longer than the lease); stopped`, {
		hint: 'raise lock.leaseSeconds in monarch.json, then run `monarch migrate` again',
	});
}

type RunOneInput = {
	file: MigrationFile;
	migrationClass: MigrationClass;
	environment: Environment;
	client: MongoClient;
	db: Db;
	lock: HeldLock;
	safetyBackup: HistoryEntry['safetyBackup'];
	events: EventSink;
	signal: AbortSignal | undefined;
};

async function runOne(input: RunOneInput): Promise<number> {
	const {file, migrationClass, environment, events} = input;
	const entries = history(input.db);
	const startedAt = new Date();
	await entries.updateOne(
		{_id: file.key},
		{
			$set: {
				name: migrationClass.name,
				state: 'Processing',
				startedAt,
				checksum: file.checksum,
				ranBy: runnerIdentity(),
				monarchVersion,
				lockToken: input.lock.token,
				...(input.safetyBackup ? {safetyBackup: input.safetyBackup} : {}),
			},
			$unset: {finishedAt: '', durationMs: '', error: '', baseline: '', ...(input.safetyBackup ? {} : {safetyBackup: ''})},
		},
		{upsert: true},
	);
	events({type: 'migration:start', key: file.key, environment: environment.name});
	const migration = new migrationClass({
		database: input.db,
		client: input.client,
		environment: environment.name,
		signal: input.signal ?? new AbortController().signal,
		log: message => events({type: 'log', level: 'info', message, source: file.key}),
		progress: (done, total) => events({type: 'progress', task: file.key, done, total}),
	});

	try {
		await migration.run();
	} catch (error) {
		const finishedAt = new Date();
		const durationMs = finishedAt.getTime() - startedAt.getTime();
		const message = error instanceof Error ? error.message : String(error);
		const stack = error instanceof Error ? error.stack : undefined;
		await entries.updateOne({_id: file.key}, {$set: {state: 'Failed', finishedAt, durationMs, error: stack ? {message, stack} : {message}}});
		events({type: 'migration:end', key: file.key, environment: environment.name, state: 'Failed', durationMs, error: message});
		const undo = input.safetyBackup ? `, or undo this run with \`monarch rollback ${environment.name}\` (${input.safetyBackup.archive})` : '';
		throw new MonarchError('migration-failed', `Migration ${file.key} failed on ${environment.name}: ${message}`, {
			hint: `fix it, then run \`monarch migrate_one ${file.key} ${environment.name}\`${undo}`,
			cause: error,
		});
	}

	const finishedAt = new Date();
	const durationMs = finishedAt.getTime() - startedAt.getTime();
	await entries.updateOne({_id: file.key}, {$set: {state: 'Completed', finishedAt, durationMs}});
	events({type: 'migration:end', key: file.key, environment: environment.name, state: 'Completed', durationMs});
	return durationMs;
}
