import type {Db} from 'mongodb';
import type {ProjectConfig} from '../config/load.js';
import {connect} from '../connection.js';
import {findEnvironment} from '../environments.js';
import type {EventSink} from '../events.js';
import {acquireLock, type HeldLock, readLock} from '../lease-lock.js';
import {discoverMigrations} from './discover.js';
import {readHistory} from './history.js';
import {joinHistory, type MigrationsReport} from './status.js';

export const migrationsLockName = 'migrations';

/** Takes the migrations lock of `db` with the config's lease and wait (migrate, mark_applied and rollback hold it while they change the history). */
export async function acquireMigrationsLock(
	db: Db,
	lock: ProjectConfig['lock'],
	events: EventSink,
	signal: AbortSignal | undefined,
): Promise<HeldLock> {
	return acquireLock(db, migrationsLockName, {leaseMs: lock.leaseMs, waitMs: lock.waitMs, events, signal});
}

/**
 * Every migration with its state in one environment, plus orphaned history
 * and the migrations lock when one is held (read in the same visit).
 * Loads no migration code and changes nothing: a database that a killed
 * restore or copy left half-swapped is reported (`interruptedSwap`, and a
 * `swap:interrupted` event), not finished; so are scratch databases that
 * killed rehearsals left on its server (`abandonedScratch`, `scratch:abandoned`).
 */
export async function listMigrations(
	config: ProjectConfig,
	environmentName: string,
	options: {events?: EventSink | undefined} = {},
): Promise<MigrationsReport> {
	const environment = findEnvironment(config.environments, environmentName, config.displayFile);
	const files = await discoverMigrations(config.migrationsDir);
	const connection = await connect(environment, {access: 'read', events: options.events});
	try {
		const [entries, lock] = await Promise.all([readHistory(connection.db), readLock(connection.db, migrationsLockName)]);
		return {
			environment: environment.name,
			database: environment.database,
			...joinHistory(files, entries, lock?.state === 'live'),
			...(connection.interruptedSwap ? {interruptedSwap: connection.interruptedSwap} : {}),
			...(connection.abandonedScratch.length > 0 ? {abandonedScratch: connection.abandonedScratch} : {}),
			...(lock ? {lock} : {}),
		};
	} finally {
		await connection.close();
	}
}
