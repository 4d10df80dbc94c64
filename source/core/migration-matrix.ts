import type {ProjectConfig} from './config/load.js';
import {describeError} from './errors.js';
import type {MigrationState} from './migrations/history.js';
import {listMigrations} from './migrations/list.js';

/** One environment's column of the matrix: its report, or why it could not be read. */
export type MatrixColumn = {environment: string; states: Map<string, MigrationState> | undefined; error: string | undefined};

/** Every migration key (files, then orphans) against every environment. */
export type MigrationMatrix = {keys: string[]; columns: MatrixColumn[]};

/**
 * Reads every environment's migration states at once, for the compact
 * migrations x environments view. Never throws for an environment that cannot
 * be read: its column carries the error instead.
 */
export async function migrationMatrix(config: ProjectConfig): Promise<MigrationMatrix> {
	const keys = new Set<string>();
	const columns = await Promise.all(
		config.environments.map(async (environment): Promise<MatrixColumn> => {
			try {
				const report = await listMigrations(config, environment.name);
				const states = new Map<string, MigrationState>();
				for (const migration of report.migrations) {
					keys.add(migration.key);
					states.set(migration.key, migration.state);
				}

				for (const orphan of report.orphans) {
					keys.add(orphan._id);
					states.set(orphan._id, orphan.state);
				}

				return {environment: environment.name, states, error: undefined};
			} catch (error) {
				return {environment: environment.name, states: undefined, error: describeError(error)};
			}
		}),
	);
	return {keys: [...keys].sort(), columns};
}
