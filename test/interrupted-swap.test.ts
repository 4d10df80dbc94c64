import {readFile} from 'node:fs/promises';
import {hostname} from 'node:os';
import path from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {serialize} from 'bson';
import type {Db} from 'mongodb';
import {loadConfig} from '../source/core/config/load.js';
import {environmentStatus} from '../source/core/environment-status.js';
import {StagingLoad} from '../source/core/restore/staging.js';
import {serverTraits} from '../source/core/server-traits.js';
import {describeStatus} from '../source/tui/components/status-bar.js';
import {type Loose, snapshot, stagingCollections} from './helpers/backup-data.js';
import {deadPid, heldLock, literal} from './helpers/dead-pid.js';
import {testPool} from './helpers/insert-pool.js';
import {createProject, migrationSource} from './helpers/project.js';

const plan = [
	{
		name: 'dogs',
		type: 'collection' as const,
		options: {},
		indexes: [
			{v: 2, key: {_id: 1}, name: '_id_'},
			{v: 2, key: {name: 1}, name: 'name_1', unique: true},
		],
	},
	{name: 'cats', type: 'collection' as const, options: {}, indexes: [{v: 2, key: {_id: 1}, name: '_id_'}]},
];

/**
 * What `restore development` killed during its swap on FerretDB leaves: its
 * journal in the swap phase, `dogs` dropped and not yet replaced, `cats` and
 * `extra` not yet reached, and its restore lock still held by its dead pid.
 */
async function leaveHalfSwapped(t: ExecutionContext, db: Db, holder?: Record<string, unknown>): Promise<{runId: string; pid: number}> {
	await db.collection<Loose>('dogs').insertMany([
		{_id: 1, name: 'old rex'},
		{_id: 2, name: 'old fido'},
	]);
	await db.collection<Loose>('cats').insertOne({_id: 1, name: 'old tom'});
	await db.collection<Loose>('extra').insertOne({_id: 1});
	const staging = new StagingLoad({db, pool: testPool(t, db), label: 'restore development', server: await serverTraits(db)});
	await staging.prepare(plan);
	await staging.insert('dogs', [serialize({_id: 10, name: 'rex'}), serialize({_id: 11, name: 'max'})]);
	await staging.insert('cats', [serialize({_id: 20, name: 'tom'})]);
	for (const {name} of plan) await staging.finishCollection(name);
	const pid = await deadPid();
	await db.collection<Loose>('monarch_locks').insertOne(heldLock('restore', holder ?? {host: hostname(), user: 'root', pid}));
	await db.collection<Loose>('monarch_locks').updateOne({_id: `staging:${staging.runId}`} as never, {$set: {phase: 'swap'}});
	await db.collection<Loose>('dogs').drop();
	return {runId: staging.runId, pid};
}

const halfSwappedLine = (database: string, runId: string) =>
	new RegExp(
		`^! Database ${database} of development is half-swapped: restore development \\(run ${runId}, started \\S+\\) was killed during its swap; run \`monarch recover development\` to finish it$`,
		'm',
	);

test('list_migrations and the TUI status report a half-swapped database and change nothing', async t => {
	const project = await createProject(t, {
		migrations: {'20260101000001_one.ts': migrationSource('One', "\t\tawait this.database.collection('runs').insertOne({_id: 'one'});")},
	});
	const db = project.db();
	const {runId} = await leaveHalfSwapped(t, db);
	const before = await snapshot(db);
	const locksBefore = await db.collection<Loose>('monarch_locks').find().sort({_id: 1}).toArray();

	const listed = await project.monarch(['list_migrations', 'development']);
	t.is(listed.code, 0, listed.stderr);
	t.regex(listed.stderr, halfSwappedLine(project.databases.development!, runId));
	t.regex(listed.stdout, /New\s+20260101000001_one/);

	const json = await project.monarch(['list_migrations', 'development', '--json']);
	t.is(json.code, 0, json.stderr);
	t.like(JSON.parse(json.stdout), {
		interruptedSwap: {
			environment: 'development',
			database: project.databases.development,
			run: 'restore development',
			runId,
			finishWith: 'monarch recover development',
		},
	});

	const config = await loadConfig({cwd: project.dir});
	const status = await environmentStatus(config.environments.find(environment => environment.name === 'development')!);
	t.true(status.reachable);
	t.is(describeStatus({checking: false, ...status}).text, 'half-swapped: run monarch recover development to finish it');

	t.deepEqual(await snapshot(db), before);
	t.deepEqual(await db.collection<Loose>('monarch_locks').find().sort({_id: 1}).toArray(), locksBefore);
	t.is(await db.collection('runs').countDocuments(), 0);
});

test('migrate finishes a swap a killed restore left half-done, saying so in one line, before it runs anything', async t => {
	const project = await createProject(t, {
		migrations: {'20260101000001_one.ts': migrationSource('One', "\t\tawait this.database.collection('runs').insertOne({_id: 'one'});")},
	});
	const db = project.db();
	const {runId, pid} = await leaveHalfSwapped(t, db);

	const migrated = await project.monarch(['migrate', 'development']);
	t.is(migrated.code, 0, migrated.stderr);
	t.regex(
		migrated.stderr,
		new RegExp(`^Took over the restore lock from root@${literal(hostname())} \\(pid ${pid}\\), which is gone$`, 'm'),
	);
	const finished = new RegExp(
		`^Finished the interrupted swap of restore development \\(run ${runId}, started \\S+\\): 2 collections in place, dropped extra \\(not in the source\\)$`,
		'm',
	);
	t.regex(migrated.stderr, finished);
	t.true(
		migrated.stderr.search(finished) < migrated.stderr.indexOf('20260101000001_one'),
		'the swap is finished before the migration runs',
	);
	t.regex(migrated.stdout, /Ran 1 migration on development/);

	// The data ends as the restore meant it.
	t.deepEqual(await db.collection<Loose>('dogs').find().sort({_id: 1}).toArray(), [
		{_id: 10, name: 'rex'},
		{_id: 11, name: 'max'},
	]);
	t.deepEqual(await db.collection<Loose>('cats').find().toArray(), [{_id: 20, name: 'tom'}]);
	t.true(await db.collection<Loose>('dogs').indexExists('name_1'));
	t.deepEqual(await stagingCollections(db), []);
	t.deepEqual(Object.keys(await snapshot(db)), ['cats', 'dogs', 'monarch_migrations', 'runs']);
	t.is(await db.collection('monarch_locks').countDocuments(), 0);

	const listed = await project.monarch(['list_migrations', 'development']);
	t.notRegex(listed.stderr, /half-swapped/);
});

test('recover finishes the interrupted swap and does nothing else (no migration runs); on a whole database it says there is nothing to do', async t => {
	const project = await createProject(t, {
		migrations: {'20260101000001_one.ts': migrationSource('One', "\t\tawait this.database.collection('runs').insertOne({_id: 'one'});")},
	});
	const db = project.db();
	const {runId} = await leaveHalfSwapped(t, db);

	const recovered = await project.monarch(['recover', 'development']);
	t.is(recovered.code, 0, recovered.stderr);
	t.regex(
		recovered.stderr,
		new RegExp(
			`^Finished the interrupted swap of restore development \\(run ${runId}, started \\S+\\): 2 collections in place, dropped extra \\(not in the source\\)$`,
			'm',
		),
	);
	t.is(recovered.stdout, `development (database ${project.databases.development}) is whole again.\n`);
	t.deepEqual(await db.collection<Loose>('dogs').find().sort({_id: 1}).toArray(), [
		{_id: 10, name: 'rex'},
		{_id: 11, name: 'max'},
	]);
	t.deepEqual(Object.keys(await snapshot(db)), ['cats', 'dogs']);
	t.is(await db.collection('runs').countDocuments(), 0, 'no migration ran');
	t.is(await db.collection('monarch_locks').countDocuments(), 0);

	const again = await project.monarch(['recover', 'development']);
	t.is(again.code, 0, again.stderr);
	t.is(again.stdout, `Nothing to recover on development (database ${project.databases.development}): no interrupted swap.\n`);
});

test('backup finishes the interrupted swap first, so the backup holds what the restore meant', async t => {
	const project = await createProject(t, {config: {backups: {local: {dir: 'backups'}}}, now: '2026-11-23T10:00:00Z'});
	const {runId} = await leaveHalfSwapped(t, project.db());

	const backedUp = await project.monarch(['backup', 'development']);
	t.is(backedUp.code, 0, backedUp.stderr);
	t.regex(backedUp.stderr, new RegExp(`^Finished the interrupted swap of restore development \\(run ${runId}, `, 'm'));
	const manifestFile = path.join(project.dir, 'backups', `${project.databases.development}__2026_11_23.archive.gz.manifest.json`);
	const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as {collections: Array<{name: string; count: number}>};
	t.deepEqual(
		manifest.collections.map(({name, count}) => ({name, count})).sort((a, b) => a.name.localeCompare(b.name)),
		[
			{name: 'cats', count: 1},
			{name: 'dogs', count: 2},
		],
	);
});

test('a swap whose restore lock a live run on another machine holds is running, not interrupted: list_migrations says nothing, migrate waits for it', async t => {
	const project = await createProject(t, {
		migrations: {'20260101000001_one.ts': migrationSource('One', "\t\tawait this.database.collection('runs').insertOne({_id: 'one'});")},
		config: {lock: {leaseSeconds: 2, waitSeconds: 1}},
	});
	const db = project.db();
	await leaveHalfSwapped(t, db, {host: 'buildbox', user: 'ci', pid: 4242});
	const before = await snapshot(db);

	const listed = await project.monarch(['list_migrations', 'development']);
	t.is(listed.code, 0, listed.stderr);
	t.notRegex(listed.stderr, /half-swapped/);

	const migrated = await project.monarch(['migrate', 'development']);
	t.is(migrated.code, 1);
	t.regex(migrated.stderr, /Error: The restore lock is held by ci@buildbox \(pid 4242\) since 2026-11-23T10:00:00\.000Z/);
	t.notRegex(migrated.stderr, /Finished the interrupted swap|Took over/);
	t.deepEqual(await snapshot(db), before);
	t.is(await db.collection('runs').countDocuments(), 0);
});
