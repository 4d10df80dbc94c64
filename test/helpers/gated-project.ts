import {randomBytes} from 'node:crypto';
import type {ExecutionContext} from 'ava';
import {createProject, migrationSource, type Project, testMongoUri} from './project.js';

/** Two migrations of the gate's tests: two owners inserted, every dog flagged. */
export const gateMigrations = {
	'20261201000000_insert_owners.ts': migrationSource(
		'InsertOwners',
		"\t\tawait this.database.collection('owners').insertMany([{_id: 101}, {_id: 102}]);",
	),
	'20261202000000_flag_dogs.ts': migrationSource(
		'FlagDogs',
		"\t\tawait this.database.collection('dogs').updateMany({}, {$set: {flagged: true}});",
	),
};

/**
 * A project whose `production` (a fresh database on the test server) is
 * protected and requires a rehearsal (`migrate.requireRehearsal`, default
 * `"24h"`), with local backups, where rehearsal reports are kept.
 */
export async function gatedProject(
	t: ExecutionContext,
	options: {requireRehearsal?: unknown; migrations?: Record<string, string>; now?: string} = {},
): Promise<Project> {
	return createProject(t, {
		...(options.now ? {now: options.now} : {}),
		environments: {
			production: {
				uri: testMongoUri(),
				database: `t_${randomBytes(4).toString('hex')}_prod`,
				protected: true,
				migrate: {requireRehearsal: options.requireRehearsal ?? '24h'},
			},
		},
		migrations: options.migrations ?? gateMigrations,
		config: {backups: {local: {dir: 'backups'}}},
	});
}
