import type {ProjectConfig} from '../config/load.js';
import {connect} from '../connection.js';
import {findEnvironment} from '../environments.js';
import {discoverMigrations} from './discover.js';
import {readHistory} from './history.js';
import {isLockHeld, joinHistory, type MigrationsReport} from './status.js';

export const migrationsLockName = 'migrations';

/** Every migration with its state in one environment, plus orphaned history. Loads no migration code. */
export async function listMigrations(config: ProjectConfig, environmentName: string): Promise<MigrationsReport> {
	const environment = findEnvironment(config.environments, environmentName, config.displayFile);
	const files = await discoverMigrations(config.migrationsDir);
	const connection = await connect(environment);
	try {
		const [entries, lockHeld] = await Promise.all([readHistory(connection.db), isLockHeld(connection.db, migrationsLockName)]);
		return {environment: environment.name, database: environment.database, ...joinHistory(files, entries, lockHeld)};
	} finally {
		await connection.close();
	}
}
