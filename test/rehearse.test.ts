import {once} from 'node:events';
import {copyFile} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import test, {type ExecutionContext} from 'ava';
import type {RehearsalReport} from '../source/core/rehearse/report.js';
import {type Loose, seed, snapshot, stagingCollections} from './helpers/backup-data.js';
import {heldOrExited, startGate} from './helpers/gate.js';
import {createProject, migrationSource, type Project, testMongoUri} from './helpers/project.js';
import {waitFor} from './helpers/wait.js';

/** monarch's clock for these tests (MONARCH_NOW): the scratch database's name follows from it. */
const now = '2026-03-01T09:30:00.000Z';
const stamp = '20260301_093000';
const sampleQuerySets = fileURLToPath(new URL('../querysets/', import.meta.url));

/** Migrations whose effect on the data below is known exactly; the first is Completed in production's history and throws if it ever runs. */
const migrations = {
	'20260101000000_already_done.ts': migrationSource('AlreadyDone', "\t\tthrow new Error('a completed migration ran again');"),
	'20260201000000_insert_owners.ts': migrationSource(
		'InsertOwners',
		"\t\tawait this.database.collection('owners').insertMany([{_id: 101}, {_id: 102}, {_id: 103}]);\n\t\tthis.log('inserted 3 owners');",
	),
	'20260202000000_flag_lazy_dogs.ts': migrationSource(
		'FlagLazyDogs',
		"\t\tconst result = await this.database.collection('dogs').updateMany({type: 'Lazy'}, {$set: {sleepy: true}});\n\t\tthis.log(`flagged ${result.modifiedCount} dogs`);",
	),
	'20260203000000_drop_cheap_toys.ts': migrationSource(
		'DropCheapToys',
		"\t\tawait this.database.collection('toys').deleteMany({cheap: true});\n\t\tawait this.database.collection('toys').dropIndex('color_1');",
	),
	'20260204000000_index_dog_types.ts': migrationSource(
		'IndexDogTypes',
		"\t\tawait this.database.collection('dogs').createIndex({type: 1}, {name: 'type_1'});",
	),
};

const expectedCollections = [
	{name: 'dogs', before: 10, after: 10, inserted: 0, deleted: 0, changed: 5, indexesAdded: ['type_1'], indexesDropped: []},
	{name: 'owners', before: 5, after: 8, inserted: 3, deleted: 0, changed: 0, indexesAdded: [], indexesDropped: []},
	{name: 'toys', before: 4, after: 2, inserted: 0, deleted: 2, changed: 0, indexesAdded: [], indexesDropped: ['color_1']},
];

/** development (the default rehearsal target) and a protected production holding the data and a history with the first migration Completed. */
async function shop(
	t: ExecutionContext,
	options: {migrations?: Record<string, string>; config?: Record<string, unknown>} = {},
): Promise<Project & {scratch: string}> {
	const suffix = Math.random().toString(16).slice(2, 10);
	const project = await createProject(t, {
		now,
		environments: {
			// DEVELOPMENT_URI can point one run's scratch copy at a gate.
			development: {uri: `\${DEVELOPMENT_URI:-${testMongoUri()}}`, database: `t_${suffix}_dev`},
			production: {uri: testMongoUri(), database: `t_${suffix}_prod`, protected: true},
		},
		migrations: options.migrations ?? migrations,
		config: options.config,
	});
	const scratch = `${project.databases.production}_rehearsal_${stamp}`;
	t.teardown(async () =>
		project.client
			.db(scratch)
			.dropDatabase()
			.catch(() => {}),
	);
	const db = project.db('production');
	await db
		.collection<Loose>('dogs')
		.insertMany(Array.from({length: 10}, (_, index) => ({_id: index, name: `dog ${index}`, type: index % 2 ? 'Lazy' : 'Awesome'})));
	await db.collection<Loose>('dogs').createIndex({name: 1}, {name: 'name_1'});
	await db.collection<Loose>('owners').insertMany(Array.from({length: 5}, (_, index) => ({_id: index, name: `owner ${index}`})));
	await db.collection<Loose>('toys').insertMany([
		{_id: 'a', color: 'red', cheap: true},
		{_id: 'b', color: 'blue', cheap: true},
		{_id: 'c', color: 'red'},
		{_id: 'd', color: 'green'},
	]);
	await db.collection<Loose>('toys').createIndex({color: 1}, {name: 'color_1'});
	await db.collection<Loose>('monarch_migrations').insertOne({
		_id: '20260101000000_already_done',
		name: 'AlreadyDone',
		state: 'Completed',
		startedAt: new Date(now),
		finishedAt: new Date(now),
		checksum: 'x',
	});
	return {...project, scratch};
}

/** Everything of a database a rehearsal must not change: every collection's name (monarch_locks included), raw documents and indexes. */
async function untouched(project: Project, environment: string) {
	const db = project.db(environment);
	const names = (await db.listCollections({}, {nameOnly: true}).toArray()).map(entry => entry.name).sort();
	return {names, data: await snapshot(db)};
}

/** The copy's time as the verdict line writes it. */
function takenAt(report: RehearsalReport): string {
	return `${report.takenAt.slice(0, 19).replace('T', ' ')} UTC`;
}

async function collectionsOf(project: Project, database: string): Promise<string[]> {
	return (await project.client.db(database).listCollections({}, {nameOnly: true}).toArray()).map(entry => entry.name).sort();
}

test('rehearse runs the pending migrations on a scratch copy: exact per-collection changes, the source untouched, the scratch dropped', async t => {
	const project = await shop(t);
	const before = await untouched(project, 'production');

	const result = await project.monarch(['rehearse', 'production']);
	t.is(result.code, 0, result.stderr);
	t.deepEqual(await untouched(project, 'production'), before);
	t.deepEqual(await collectionsOf(project, project.scratch), []);

	const lines = result.stdout.trimEnd().split('\n');
	t.is(lines[0], `Rehearsal of production (database ${project.databases.production})`);
	t.regex(result.stdout, /copy taken at {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: 3 collections, 19 documents in /);
	t.true(result.stdout.includes(`scratch        ${project.scratch} on development's server, dropped`));
	t.regex(result.stdout, /Completed {2}20260201000000_insert_owners +\d/);
	t.regex(result.stdout, /\n {6}│ inserted 3 owners\n/);
	t.regex(result.stdout, /\n {6}│ flagged 5 dogs\n/);
	t.notRegex(result.stdout, /already_done/);
	const cells = (first: string) =>
		lines
			.find(line => line.trim().split(/\s+/)[0] === first)
			?.trim()
			.split(/\s+/);
	t.deepEqual(cells('COLLECTION'), ['COLLECTION', 'BEFORE', 'AFTER', 'INSERTED', 'DELETED', 'CHANGED', 'INDEXES']);
	t.deepEqual(cells('dogs'), ['dogs', '10', '10', '0', '0', '5', '+type_1']);
	t.deepEqual(cells('owners'), ['owners', '5', '8', '3', '0', '0', '-']);
	t.deepEqual(cells('toys'), ['toys', '4', '2', '0', '2', '0', '-color_1']);
	t.regex(lines.at(-1)!, /^All 4 pending migrations passed on a copy of production taken at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
	t.true(result.stderr.includes(`Dropped the scratch database ${project.scratch}`));
	t.regex(result.stderr, /hash before dogs 10\/10[\s\S]*hash after dogs 10\/10/);
});

test('rehearse --keep --json prints only the report, and leaves the migrated scratch database, named in it', async t => {
	const project = await shop(t);
	const before = await untouched(project, 'production');

	const result = await project.monarch(['rehearse', 'production', '--keep', '--json']);
	t.is(result.code, 0, result.stderr);
	const report = JSON.parse(result.stdout) as RehearsalReport;
	t.deepEqual(report.source, {environment: 'production', database: project.databases.production});
	t.deepEqual(report.scratch, {environment: 'development', database: project.scratch, kept: true});
	// Dated by the source server's clock, not MONARCH_NOW (rehearsal-reports.test.ts compares it with the server's).
	t.not(report.takenAt, now);
	t.regex(report.takenAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
	t.is(report.querySet, null);
	t.deepEqual(report.copied, {collections: 3, documents: 19, sourceDocuments: 19});
	t.deepEqual(report.collections, expectedCollections);
	t.deepEqual(
		report.migrations.map(migration => [
			migration.key,
			migration.state,
			migration.estimatedMs ?? null,
			migration.error ?? null,
			migration.log,
		]),
		[
			['20260201000000_insert_owners', 'Completed', null, null, ['inserted 3 owners']],
			['20260202000000_flag_lazy_dogs', 'Completed', null, null, ['flagged 5 dogs']],
			['20260203000000_drop_cheap_toys', 'Completed', null, null, []],
			['20260204000000_index_dog_types', 'Completed', null, null, []],
		],
	);
	t.true(report.migrations.every(migration => typeof migration.durationMs === 'number'));
	t.deepEqual(report.verdict, {
		passed: true,
		pending: 4,
		line: `All 4 pending migrations passed on a copy of production taken at ${takenAt(report)}`,
	});
	t.true(result.stderr.includes(`Kept the scratch database ${project.scratch}`));

	// The kept copy is the migrated one, with its history; the source is as it was.
	const scratch = project.client.db(project.scratch);
	t.is(await scratch.collection<Loose>('owners').countDocuments(), 8);
	t.is(await scratch.collection<Loose>('dogs').countDocuments({sleepy: true}), 5);
	t.is(await scratch.collection<Loose>('monarch_migrations').countDocuments({state: 'Completed'}), 5);
	// Kept, it is the user's: no marker, so no later command takes it for a killed rehearsal's.
	t.is(await scratch.collection<{_id: string}>('monarch_locks').countDocuments({_id: 'rehearsal'}), 0);
	t.deepEqual(await untouched(project, 'production'), before);
});

test('a failing migration: exit 1, the verdict names it and its error, later ones NotRun, the source untouched, the scratch dropped', async t => {
	const project = await shop(t, {
		migrations: {
			...migrations,
			'20260202000000_flag_lazy_dogs.ts': migrationSource(
				'FlagLazyDogs',
				"\t\tthis.log('about to fail');\n\t\tthrow new Error('dogs are never lazy\\nsecond line');",
			),
		},
	});
	const before = await untouched(project, 'production');

	const result = await project.monarch(['rehearse', 'production', '--json']);
	t.is(result.code, 1, result.stderr);
	const report = JSON.parse(result.stdout) as RehearsalReport;
	t.deepEqual(
		report.migrations.map(migration => [migration.key, migration.state, migration.error ?? null, migration.log]),
		[
			['20260201000000_insert_owners', 'Completed', null, ['inserted 3 owners']],
			['20260202000000_flag_lazy_dogs', 'Failed', 'dogs are never lazy', ['about to fail']],
			['20260203000000_drop_cheap_toys', 'NotRun', null, []],
			['20260204000000_index_dog_types', 'NotRun', null, []],
		],
	);
	t.deepEqual(report.verdict, {
		passed: false,
		pending: 4,
		failed: {key: '20260202000000_flag_lazy_dogs', error: 'dogs are never lazy'},
		line: `20260202000000_flag_lazy_dogs failed on a copy of production taken at ${takenAt(report)}: dogs are never lazy (1 of 4 pending migrations passed before it)`,
	});
	t.deepEqual(
		report.collections.find(change => change.name === 'owners'),
		expectedCollections[1],
	);
	t.deepEqual(await untouched(project, 'production'), before);
	t.deepEqual(await collectionsOf(project, project.scratch), []);

	const text = await project.monarch(['rehearse', 'production']);
	t.is(text.code, 1);
	// The same verdict, of a second copy (taken a moment later).
	const masked = (line: string | undefined) => line?.replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/, 'AT');
	t.is(masked(text.stdout.trimEnd().split('\n').at(-1)), masked(report.verdict.line));
	t.regex(text.stdout, /NotRun {5}20260204000000_index_dog_types +-/);
	t.deepEqual(await collectionsOf(project, project.scratch), []);
});

test('rehearse refuses a protected rehearsal target, the source itself, an unknown one, or none, before anything is copied', async t => {
	const project = await shop(t);
	const devScratch = `${project.databases.development}_rehearsal_${stamp}`;
	t.teardown(async () =>
		project.client
			.db(devScratch)
			.dropDatabase()
			.catch(() => {}),
	);
	await project.db('development').collection<Loose>('dogs').insertOne({_id: 1, type: 'Lazy'});
	const config = {
		environments: {
			development: {uri: testMongoUri(), database: project.databases.development},
			production: {uri: testMongoUri(), database: project.databases.production, protected: true},
		},
	};

	await project.writeConfig({...config, rehearsal: {environment: 'production'}});
	const protectedTarget = await project.monarch(['rehearse', 'development']);
	t.is(protectedTarget.code, 2);
	t.regex(
		protectedTarget.stderr,
		/rehearse development: rehearsal\.environment "production" is protected \(protected: true\); nothing was copied/,
	);
	t.is(protectedTarget.stdout, '');
	t.deepEqual(await collectionsOf(project, devScratch), []);
	t.deepEqual(await collectionsOf(project, `${project.databases.production}_rehearsal_${stamp}`), []);

	const itself = await project.monarch(['rehearse', 'production']);
	t.is(itself.code, 2);
	t.regex(itself.stderr, /rehearse production: rehearsal\.environment in monarch\.json is production itself/);
	t.deepEqual(await collectionsOf(project, project.scratch), []);

	await project.writeConfig({...config, rehearsal: {environment: 'nowhere'}});
	const unknown = await project.monarch(['rehearse', 'production']);
	t.is(unknown.code, 2);
	t.regex(
		unknown.stderr,
		/^Error: monarch\.json: rehearsal\.environment: "nowhere" is not an environment \(name one of development, production\)\n$/,
	);

	await project.writeConfig({
		environments: {
			production: config.environments.production,
			live: {uri: testMongoUri(), database: project.databases.development, protected: true},
		},
	});
	const none = await project.monarch(['rehearse', 'production']);
	t.is(none.code, 2);
	t.regex(none.stderr, /no environment in monarch\.json can hold the rehearsal .*set rehearsal\.environment/);
	t.deepEqual(await collectionsOf(project, project.scratch), []);
	t.deepEqual(await collectionsOf(project, devScratch), []);
});

test('nothing pending: exit 0, says so, and makes no database', async t => {
	const project = await shop(t, {migrations: {'20260101000000_already_done.ts': migrations['20260101000000_already_done.ts']}});
	const result = await project.monarch(['rehearse', 'production']);
	t.is(result.code, 0, result.stderr);
	t.is(result.stdout, 'Nothing to rehearse: the one migration of production is completed\n');
	t.deepEqual(await collectionsOf(project, project.scratch), []);
});

test('a migration that does not load fails before anything is copied', async t => {
	const project = await shop(t, {migrations: {...migrations, '20260205000000_broken.ts': 'export default class {'}});
	const result = await project.monarch(['rehearse', 'production']);
	t.is(result.code, 2, result.stderr);
	t.regex(result.stderr, /20260205000000_broken/);
	t.deepEqual(await collectionsOf(project, project.scratch), []);
});

test("rehearse -q with --param copies only the QuerySet's part (with the whole history) and scales the durations as an estimate", async t => {
	const project = await shop(t, {
		migrations: {
			'20260101000000_already_done.ts': migrations['20260101000000_already_done.ts'],
			'20260301000000_close_campaigns.ts': migrationSource(
				'CloseCampaigns',
				"\t\tconst result = await this.database.collection('campaigns').updateMany({}, {$set: {closed: true}});\n\t\tthis.log(`closed ${result.modifiedCount}`);",
			),
		},
	});
	await copyFile(path.join(sampleQuerySets, 'account.ts'), path.join(project.dir, 'querysets', 'account.ts'));
	const db = project.db('production');
	await db.collection<Loose>('accounts').insertMany([
		{_id: 41, name: 'other'},
		{_id: 42, name: 'acme'},
	]);
	await db
		.collection<Loose>('campaigns')
		.insertMany(Array.from({length: 9}, (_, index) => ({_id: index, account_id: index < 2 ? 42 : 41})));
	const before = await untouched(project, 'production');

	const result = await project.monarch(['rehearse', 'production', '-q', 'AccountQuerySet', '--param', 'accountId=42', '--json']);
	t.is(result.code, 0, result.stderr);
	const report = JSON.parse(result.stdout) as RehearsalReport;
	t.deepEqual(report.querySet, {name: 'AccountQuerySet', answers: {accountId: 42}});
	t.deepEqual(report.copied, {collections: 2, documents: 3, sourceDocuments: 11});
	t.deepEqual(
		report.collections.map(change => [change.name, change.before, change.after, change.changed]),
		[
			['accounts', 1, 1, 0],
			['campaigns', 2, 2, 2],
		],
	);
	const [migration] = report.migrations;
	t.is(report.migrations.length, 1);
	t.is(migration?.state, 'Completed');
	t.deepEqual(migration?.log, ['closed 2']);
	t.is(migration?.estimatedMs, Math.round((migration!.durationMs! * 11) / 3));
	t.is(
		report.verdict.line,
		`The 1 pending migration passed on a copy of production (QuerySet AccountQuerySet) taken at ${takenAt(report)}`,
	);
	t.deepEqual(await untouched(project, 'production'), before);
	t.deepEqual(await collectionsOf(project, project.scratch), []);

	const text = await project.monarch(['rehearse', 'production', '-q', 'AccountQuerySet', '--param', 'accountId=42']);
	t.is(text.code, 0, text.stderr);
	t.regex(text.stdout, /QuerySet {7}AccountQuerySet \(accountId=42\): 3 of 11 documents of the same collections/);
	t.regex(text.stdout, /STATE +MIGRATION +DURATION +ESTIMATE FOR ALL OF production\n/);
	t.regex(text.stdout, /Completed +20260301000000_close_campaigns +[\d.]+ m?s +~[\d.]+ \w+\n/);

	const missing = await project.monarch(['rehearse', 'production', '-q', 'AccountQuerySet']);
	t.is(missing.code, 2);
	t.regex(missing.stderr, /--param accountId=/);
	t.notRegex(missing.stderr, /Dropped/);
	t.deepEqual(await collectionsOf(project, project.scratch), []);
});

test('a scratch database of that name holding anything is refused, never overwritten', async t => {
	const project = await shop(t);
	await project.client.db(project.scratch).collection<Loose>('mine').insertOne({_id: 1, keep: true});
	const result = await project.monarch(['rehearse', 'production']);
	t.is(result.code, 2);
	t.regex(
		result.stderr,
		new RegExp(`database ${project.scratch} already exists on development's server with 1 collection; it is never overwritten`),
	);
	t.deepEqual(await project.client.db(project.scratch).collection<Loose>('mine').find().toArray(), [{_id: 1, keep: true}]);
});

test('Ctrl+C during the copy drops the scratch database and leaves the source as it was', async t => {
	const project = await shop(t);
	await project.db('production').dropDatabase();
	await seed(project.db('production'), {dogs: 8000});
	const before = await untouched(project, 'production');
	// About 2 MB of documents to insert into the scratch copy; the gate lets 1.5 MB through, so the run is stuck in its load.
	const gate = await startGate(t, {toServer: 1_500_000});
	const child = project.spawnMonarch(['rehearse', 'production'], {env: {DEVELOPMENT_URI: gate.uri}});
	let stderr = '';
	child.stderr!.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
	});
	const exited = once(child, 'exit');
	await heldOrExited(gate, exited, () => stderr);
	await waitFor(
		'staging collections in the scratch database',
		async () => (await stagingCollections(project.client.db(project.scratch))).length > 0,
	);
	child.kill('SIGINT');
	await waitFor('the Ctrl+C notice', async () => stderr.includes('Stopping after the current step'));
	gate.open();
	const [code] = await exited;
	t.is(code, 130, stderr);
	t.true(stderr.includes(`Dropped the scratch database ${project.scratch}`), stderr);
	t.deepEqual(await collectionsOf(project, project.scratch), []);
	t.deepEqual(await untouched(project, 'production'), before);
});

test('the scratch database name is <database>_rehearsal_<stamp>, the source part shortened to fit 63 characters', async t => {
	const {scratchDatabaseName} = await import('../source/core/scratch-databases.js');
	const {databaseNameProblem} = await import('../source/core/config/schema.js');
	const at = new Date(now);
	t.is(scratchDatabaseName('shop', at), 'shop_rehearsal_20260301_093000');
	const long = scratchDatabaseName('a'.repeat(63), at);
	t.is(long, `${'a'.repeat(37)}_rehearsal_20260301_093000`);
	t.is(long.length, 63);
	t.is(databaseNameProblem(long), undefined);
});
