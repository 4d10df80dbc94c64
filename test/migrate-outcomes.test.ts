/**
 * `migrate()` takes a resolved environment (one the config need not name, as a
 * rehearsal's scratch database) and returns each migration's outcome: a
 * migration that throws, or one that blocks the run, is the result's
 * `failure`, not an exception; `migrateNamed` (the CLI's and the TUI's way in)
 * finds the environment by name and throws that failure.
 */
import {Readable} from 'node:stream';
import test from 'ava';
import {createCliPrompter} from '../source/cli/prompter.js';
import {loadConfig} from '../source/core/config/load.js';
import {makeEnvironment} from '../source/core/environments.js';
import {MonarchError} from '../source/core/errors.js';
import type {MonarchEvent} from '../source/core/events.js';
import {migrate, migrateNamed} from '../source/core/migrations/run.js';
import {createProject, migrationSource, testMongoUri} from './helpers/project.js';

const first = '20260101000001_first';
const second = '20260101000002_second';
const third = '20260101000003_third';

async function failingProject(t: Parameters<typeof createProject>[0]) {
	const project = await createProject(t, {
		migrations: {
			[`${first}.ts`]: migrationSource('First', "\t\tawait this.database.collection('runs').insertOne({_id: 'first'});"),
			[`${second}.ts`]: migrationSource(
				'Second',
				"\t\tthis.log('about to fail');\n\t\tthrow new Error('dogs are never lazy\\nat line two');",
			),
			[`${third}.ts`]: migrationSource('Third', "\t\tawait this.database.collection('runs').insertOne({_id: 'third'});"),
		},
	});
	const config = await loadConfig({cwd: project.dir});
	const events: MonarchEvent[] = [];
	const options = {
		config,
		prompter: createCliPrompter({params: new Map(), input: Readable.from([])}),
		events: (event: MonarchEvent) => events.push(event),
	};
	return {project, config, options, events};
}

test('migrate on an environment the config does not name returns each outcome: Completed, Failed with its error, NotRun; the failure is returned, not thrown', async t => {
	const {project, options, events} = await failingProject(t);
	const database = `${project.databases.development!}_elsewhere`;
	t.teardown(async () => project.client.db(database).dropDatabase());
	const environment = makeEnvironment({name: 'development/elsewhere', uri: testMongoUri(), database});

	const result = await migrate({...options, environment});

	t.is(result.environment, 'development/elsewhere');
	t.deepEqual(
		result.migrations.map(outcome => [outcome.key, outcome.state, typeof outcome.durationMs, outcome.error]),
		[
			[first, 'Completed', 'number', undefined],
			[second, 'Failed', 'number', 'dogs are never lazy\nat line two'],
			[third, 'NotRun', 'undefined', undefined],
		],
	);
	t.true(result.failure instanceof MonarchError);
	t.is(result.failure?.code, 'migration-failed');
	t.is(result.failure?.message, `Migration ${second} failed on development/elsewhere: dogs are never lazy\nat line two`);
	t.deepEqual(
		events.filter(event => event.type === 'migration:end').map(event => [event.key, event.state]),
		[
			[first, 'Completed'],
			[second, 'Failed'],
		],
	);
	const db = project.client.db(database);
	t.deepEqual(await db.collection('runs').find().toArray(), [{_id: 'first'}]);
	t.deepEqual(
		(
			await db
				.collection('monarch_migrations')
				.find({}, {sort: {_id: 1}})
				.toArray()
		).map(entry => [entry._id, entry.state]),
		[
			[first, 'Completed'],
			[second, 'Failed'],
		],
	);
	t.deepEqual(await project.db().listCollections().toArray(), [], 'the environment the config names is untouched');
});

test('a blocked run returns the blocking migration Failed (not run again) and the rest NotRun; migrateNamed throws that failure', async t => {
	const {project, config, options} = await failingProject(t);
	const development = config.environments.find(environment => environment.name === 'development')!;
	await migrate({...options, environment: development});

	const blocked = await migrate({...options, environment: development});
	t.deepEqual(blocked.migrations, [
		{
			key: second,
			state: 'Failed',
			durationMs: undefined,
			error: `Migration ${second} failed on development: dogs are never lazy\nat line two; later migrations wait for it`,
		},
		{key: third, state: 'NotRun', durationMs: undefined, error: undefined},
	]);
	t.is(blocked.failure?.code, 'blocked');

	const thrown = await t.throwsAsync(migrateNamed({...options, environment: 'development'}), {instanceOf: MonarchError});
	t.is(thrown.code, 'blocked');
	t.is(thrown.message, blocked.failure!.message);
	await t.throwsAsync(migrateNamed({...options, environment: 'nowhere'}), {instanceOf: MonarchError, message: /nowhere/});
	t.deepEqual(await project.db().collection('runs').find().toArray(), [{_id: 'first'}]);
});
