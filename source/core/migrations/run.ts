import type {Db, MongoClient} from 'mongodb';
import type {BackupResult} from '../backups/backup.js';
import {safetyStoreFor, takeSafetyBackup} from '../backups/safety-backup.js';
import type {ProjectConfig} from '../config/load.js';
import {confirmProtected} from '../confirm.js';
import {type Connection, connect} from '../connection.js';
import {type Environment, findEnvironment} from '../environments.js';
import {MonarchError, throwIfAborted} from '../errors.js';
import {type EventSink, ignoreEvents, type OperationOptions} from '../events.js';
import type {HeldLock} from '../lease-lock.js';
import {loadBrandedClass} from '../load-module.js';
import {counted} from '../plural.js';
import type {Prompter, ToneLine} from '../prompts.js';
import type {BackupStore} from '../storage/index.js';
import {monarchVersion, runnerIdentity} from '../version.js';
import {discoverMigrations, type MigrationFile} from './discover.js';
import {type HistoryEntry, history, readHistory} from './history.js';
import {acquireMigrationsLock} from './list.js';
import {type MigrationClass, migrationBrand} from './migration.js';

export type MigrateOptions = OperationOptions & {
	config: ProjectConfig;
	/** The environment migrated, already resolved (`migrateNamed` finds it by name in `config`; a rehearsal passes its scratch database). */
	environment: Environment;
	prompter: Prompter;
	/** Confirmed up front (`--yes`), for protected environments in CI. */
	yes?: boolean;
	/** Back up a protected environment before running anything; `false` is `--no-safety-backup`. Defaults to the config's `migrate.safetyBackup` (true). */
	safetyBackup?: boolean | undefined;
	/** What the rehearsal gate decided (rehearse/gated-migrate.ts); required on an environment with `migrate.requireRehearsal`. */
	gate?: MigrateGate | undefined;
};

/**
 * The rehearsal gate's decision, as the run it lets through takes it: the
 * pending set it checked (the run refuses another), what history records
 * (`rehearsal`, `unrehearsed`) and what the confirmation shows.
 */
export type MigrateGate = {
	/** The environment's pending migrations when the gate looked (key and sha256, in order). */
	pending: Array<{key: string; checksum: string}>;
	/** The stored rehearsal report recorded in each history entry of the run. */
	rehearsal: string | undefined;
	/** Past a refusal of the gate (`--unrehearsed`): recorded in each history entry. */
	unrehearsed: boolean;
	/** Lines shown before the typed name (the rehearsal found, the estimate on this environment). */
	evidence: ToneLine[];
};

/** What became of one migration of the run, in order. */
export type MigrationOutcome = {
	key: string;
	/** `Failed`: it threw, or (not run again) its earlier failure or interruption blocks the run; `NotRun`: a migration before it failed. */
	state: 'Completed' | 'Failed' | 'NotRun';
	/** How long it ran (ms); undefined when it did not run. */
	durationMs: number | undefined;
	/** The message it threw, or the blocking message; undefined unless `Failed`. */
	error: string | undefined;
};

export type MigrateResult = {
	environment: string;
	/** Every migration the run decided on under the lock, in order (empty when nothing was pending). */
	migrations: MigrationOutcome[];
	/** Why the run stopped: a migration that threw (`migration-failed`) or one that blocks the rest (`blocked`); `migrateNamed` throws it. */
	failure: MonarchError | undefined;
	/** The backup taken before the first migration ran (protected environments only). */
	safetyBackup?: BackupResult | undefined;
};

/**
 * Runs every pending migration of `environment` in order, stopping at the
 * first failure, which is the result's `failure` (with each migration's
 * outcome), not an exception. Anything else (usage, the lock, an abort) throws.
 */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
	return runMigrations(options, undefined);
}

/** Runs one migration whatever its state (the seed's force); a failure is the result's, as in `migrate`. */
export async function migrateOne(options: MigrateOptions & {key: string}): Promise<MigrateResult> {
	return runMigrations(options, options.key);
}

/** `migrate`'s options with the environment by name, and `key` for `migrate_one`. */
export type MigrateNamedOptions = Omit<MigrateOptions, 'environment'> & {environment: string; key?: string | undefined};

/**
 * `monarch migrate` and `migrate_one` (and the TUI's jobs): finds the
 * environment by name in the config, runs `migrate` (or `migrateOne` with
 * `key`), and throws the run's failure, the error the command exits with.
 */
export async function migrateNamed(options: MigrateNamedOptions): Promise<MigrateResult> {
	const {config} = options;
	const environment = findEnvironment(config.environments, options.environment, config.displayFile);
	const result = await runMigrations({...options, environment}, options.key);
	if (result.failure) throw result.failure;
	return result;
}

async function runMigrations(options: MigrateOptions, onlyKey: string | undefined): Promise<MigrateResult> {
	const {config, environment} = options;
	const events = options.events ?? ignoreEvents;
	const files = await discoverMigrations(config.migrationsDir);
	if (onlyKey !== undefined && !files.some(file => file.key === onlyKey)) {
		throw new MonarchError('not-found', `No migration "${onlyKey}" in ${config.migrationsDir}`, {
			hint: `see \`monarch list_migrations ${environment.name}\``,
		});
	}

	if (environment.requireRehearsal && !options.gate) {
		throw new MonarchError('internal', `migrate ${environment.name}: its migrations go through the rehearsal gate (migrateThroughGate)`);
	}

	const connection = await connect(environment, {access: 'write', lock: config.lock, events, signal: options.signal});
	try {
		const entries = await readHistory(connection.db);
		checkGatedSet(options, plan(files, entries, undefined));
		const planned = plan(files, entries, onlyKey);
		if (planned.length === 0) {
			events({
				type: 'log',
				level: 'info',
				message: `Nothing to migrate on ${environment.name}: ${files.length === 1 ? 'its one migration is' : `all ${files.length} migrations are`} completed`,
			});
			return {environment: environment.name, migrations: [], failure: undefined};
		}

		// Checked before anything is loaded or asked: a protected environment with no store to back it up to is refused.
		const safetyStore = safetyStoreFor(config, environment, options.safetyBackup ?? config.migrate.safetyBackup);

		// Every file that may run must load before anything runs.
		const classes = new Map<string, MigrationClass>();
		for (const file of planned) classes.set(file.key, await loadMigration(file));

		const what = onlyKey === undefined ? `Run ${counted(planned.length, 'pending migration')}` : `Run migration ${onlyKey}`;
		const evidence = [...(options.gate?.evidence ?? []), ...safetyBackupLine(environment, safetyStore)];
		await confirmProtected(environment, what, {yes: options.yes, prompter: options.prompter, evidence, events});
		return await runUnderLock({options, events, connection, files, planned, onlyKey, classes, safetyStore});
	} finally {
		await connection.close();
	}
}

/**
 * A gated run's pending set must be the one its gate checked (by key and
 * checksum): a file edited, added or run by someone else since is refused
 * before anything is written, and again under the lock.
 */
function checkGatedSet(options: MigrateOptions, pending: MigrationFile[]): void {
	const {gate, environment} = options;
	if (!gate) return;
	const seen = pending.map(({key, checksum}) => `${key}:${checksum}`).join(',');
	if (seen === gate.pending.map(({key, checksum}) => `${key}:${checksum}`).join(',')) return;
	throw new MonarchError(
		'not-rehearsed',
		`migrate ${environment.name}: its pending migrations changed since the rehearsal gate checked them; nothing was changed`,
		{hint: `run \`monarch migrate ${environment.name} --plan\` to see what would run now`},
	);
}

/** The confirmation's line on the safety backup a protected environment's run takes first (or says it takes none). */
function safetyBackupLine(environment: Environment, store: BackupStore | undefined): ToneLine[] {
	if (!environment.protected) return [];
	if (!store)
		return [{text: `No safety backup of ${environment.database} (--no-safety-backup, or migrate.safetyBackup is false)`, tone: 'warn'}];
	return [
		{
			text: `Safety backup first: ${environment.database}_before_migrate to ${store.description} (\`monarch rollback ${environment.name}\` undoes the run)`,
			tone: 'plain',
		},
	];
}

/** The migrations a run decides on: those not Completed, or the one asked for. */
function plan(files: MigrationFile[], entries: Map<string, HistoryEntry>, onlyKey: string | undefined): MigrationFile[] {
	if (onlyKey !== undefined) return files.filter(file => file.key === onlyKey);
	return files.filter(file => entries.get(file.key)?.state !== 'Completed');
}

type LockedRun = {
	options: MigrateOptions;
	events: EventSink;
	connection: Connection;
	files: MigrationFile[];
	planned: MigrationFile[];
	onlyKey: string | undefined;
	classes: Map<string, MigrationClass>;
	safetyStore: BackupStore | undefined;
};

/**
 * Under the migrations lock: decide again (another run may have gone first),
 * stop at a blocked run, take the safety backup, run in order.
 */
async function runUnderLock(run: LockedRun): Promise<MigrateResult> {
	const {options, events, connection, onlyKey} = run;
	const {config, environment} = options;
	const lock = await acquireMigrationsLock(connection.db, config.lock, events, options.signal);
	try {
		const entries = await readHistory(connection.db);
		checkGatedSet(options, plan(run.files, entries, undefined));
		const toRun = onlyKey === undefined ? plan(run.files, entries, undefined) : run.planned;
		const blocked = onlyKey === undefined ? blockingFailure(toRun, entries, environment) : undefined;
		if (blocked) return {environment: environment.name, migrations: blockedOutcomes(toRun, blocked), failure: blocked.failure};
		if (toRun.length === 0) {
			events({type: 'log', level: 'info', message: `Nothing to migrate on ${environment.name}: another run completed them`});
			return {environment: environment.name, migrations: [], failure: undefined};
		}

		const {safetyStore} = run;
		const safetyBackup = safetyStore
			? await takeSafetyBackup({
					db: connection.db,
					target: environment,
					store: safetyStore,
					kind: 'migrate',
					events,
					signal: options.signal,
				})
			: undefined;
		const recorded = safetyBackup ? {store: safetyBackup.store, archive: safetyBackup.archive} : undefined;
		const migrations: MigrationOutcome[] = toRun.map(file => ({key: file.key, state: 'NotRun', durationMs: undefined, error: undefined}));
		for (const [index, file] of toRun.entries()) {
			throwIfAborted(options.signal, `the migrations on ${environment.name} before ${file.key}`);
			if (lock.lost) throw lostLock(environment);
			const migrationClass = run.classes.get(file.key) ?? (await loadMigration(file));
			const {client, db} = connection;
			const ran = await runOne({
				file,
				migrationClass,
				environment,
				client,
				db,
				lock,
				safetyBackup: recorded,
				gate: options.gate,
				events,
				signal: options.signal,
			});
			migrations[index] = ran.outcome;
			if (ran.failure) return {environment: environment.name, migrations, failure: ran.failure, safetyBackup};
		}

		return {environment: environment.name, migrations, failure: undefined, safetyBackup};
	} finally {
		await lock.release().catch(() => {});
	}
}

/** Loads a migration file and finds its class (the one loader of migrate, migrate_one and rehearse); a syntax error or missing class throws. */
export async function loadMigration(file: MigrationFile): Promise<MigrationClass> {
	return loadBrandedClass<MigrationClass>(file.file, migrationBrand, 'migration', 'export default class ... extends MongoBackedMigration');
}

type Blocked = {key: string; failure: MonarchError};

/** The first migration of the run that failed or was interrupted before, which the later ones wait for, with the error that says so. */
function blockingFailure(toRun: MigrationFile[], entries: Map<string, HistoryEntry>, environment: Environment): Blocked | undefined {
	for (const file of toRun) {
		const entry = entries.get(file.key);
		if (entry?.state === 'Failed') {
			const failure = new MonarchError(
				'blocked',
				`Migration ${file.key} failed on ${environment.name}: ${entry.error?.message ?? 'unknown error'}; later migrations wait for it`,
				{
					hint: `fix it, then run \`monarch migrate_one ${file.key} ${environment.name}\``,
				},
			);
			return {key: file.key, failure};
		}

		if (entry?.state === 'Processing') {
			const by = `${entry.ranBy.user}@${entry.ranBy.host} pid ${entry.ranBy.pid}`;
			const failure = new MonarchError(
				'blocked',
				`Migration ${file.key} was interrupted on ${environment.name} (started ${entry.startedAt.toISOString()} by ${by}, which is gone); later migrations wait for it`,
				{
					hint: `check what it changed, then run \`monarch migrate_one ${file.key} ${environment.name}\``,
				},
			);
			return {key: file.key, failure};
		}
	}

	return undefined;
}

/** A blocked run's outcomes: the blocking migration `Failed` (not run again), every other `NotRun`. */
function blockedOutcomes(toRun: MigrationFile[], blocked: Blocked): MigrationOutcome[] {
	return toRun.map(file =>
		file.key === blocked.key
			? {key: file.key, state: 'Failed', durationMs: undefined, error: blocked.failure.message}
			: {key: file.key, state: 'NotRun', durationMs: undefined, error: undefined},
	);
}

function lostLock(environment: Environment): MonarchError {
	return new MonarchError(
		'locked',
		`Lost the migration lock on ${environment.name} (this process stalled longer than the lease); stopped`,
		{
			hint: 'raise lock.leaseSeconds in monarch.json, then run `monarch migrate` again',
		},
	);
}

type RunOneInput = {
	file: MigrationFile;
	migrationClass: MigrationClass;
	environment: Environment;
	client: MongoClient;
	db: Db;
	lock: HeldLock;
	safetyBackup: HistoryEntry['safetyBackup'];
	gate: MigrateGate | undefined;
	events: EventSink;
	signal: AbortSignal | undefined;
};

/** Runs one migration and records it; a migration that throws is a `Failed` outcome with the error the run stops on. */
async function runOne(input: RunOneInput): Promise<{outcome: MigrationOutcome; failure?: MonarchError}> {
	const {file, migrationClass, environment, events} = input;
	const entries = history(input.db);
	const startedAt = await recordStart(input);
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
		await entries.updateOne(
			{_id: file.key},
			{$set: {state: 'Failed', finishedAt, durationMs, error: stack ? {message, stack} : {message}}},
		);
		events({type: 'migration:end', key: file.key, environment: environment.name, state: 'Failed', durationMs, error: message});
		const undo = input.safetyBackup
			? `, or undo this run with \`monarch rollback ${environment.name}\` (${input.safetyBackup.archive})`
			: '';
		const failure = new MonarchError('migration-failed', `Migration ${file.key} failed on ${environment.name}: ${message}`, {
			hint: `fix it, then run \`monarch migrate_one ${file.key} ${environment.name}\`${undo}`,
			cause: error,
		});
		return {outcome: {key: file.key, state: 'Failed', durationMs, error: message}, failure};
	}

	const finishedAt = new Date();
	const durationMs = finishedAt.getTime() - startedAt.getTime();
	await entries.updateOne({_id: file.key}, {$set: {state: 'Completed', finishedAt, durationMs}});
	events({type: 'migration:end', key: file.key, environment: environment.name, state: 'Completed', durationMs});
	return {outcome: {key: file.key, state: 'Completed', durationMs, error: undefined}};
}

/** Records the migration as `Processing` (who, under which lock, after which safety backup), clearing a previous run's end; returns its start. */
async function recordStart(input: RunOneInput): Promise<Date> {
	const {file, safetyBackup, gate} = input;
	const rehearsal = gate?.rehearsal;
	const unrehearsed = gate?.unrehearsed === true;
	const startedAt = new Date();
	await history(input.db).updateOne(
		{_id: file.key},
		{
			$set: {
				name: input.migrationClass.name,
				state: 'Processing',
				startedAt,
				checksum: file.checksum,
				ranBy: runnerIdentity(),
				monarchVersion,
				lockToken: input.lock.token,
				...(safetyBackup ? {safetyBackup} : {}),
				...(rehearsal ? {rehearsal} : {}),
				...(unrehearsed ? {unrehearsed} : {}),
			},
			$unset: {
				finishedAt: '',
				durationMs: '',
				error: '',
				baseline: '',
				...(safetyBackup ? {} : {safetyBackup: ''}),
				...(rehearsal ? {} : {rehearsal: ''}),
				...(unrehearsed ? {} : {unrehearsed: ''}),
			},
		},
		{upsert: true},
	);
	return startedAt;
}
