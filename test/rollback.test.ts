import {readdir, readFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {snapshot} from './helpers/backup-data.js';
import {heldLock} from './helpers/dead-pid.js';
import {createProject, migrationSource, type Project, testMongoUri} from './helpers/project.js';

/** The day monarch dates these tests' backups with (MONARCH_NOW), whatever today is. */
const now = '2026-03-01T09:30:00.000Z';
const day = '2026_03_01';

const addRex = migrationSource('AddRex', "\t\tawait this.database.collection('dogs').insertOne({_id: 'rex', name: 'rex'});");
const renameFido = migrationSource(
	'RenameFido',
	"\t\tawait this.database.collection('dogs').updateOne({_id: 'fido'}, {$set: {name: 'Fido'}});",
);

/** A project whose `production` (protected by its name) holds two dogs and has a local backup store. */
async function productionProject(t: Parameters<typeof createProject>[0]): Promise<Project> {
	const suffix = Math.random().toString(16).slice(2, 10);
	const project = await createProject(t, {
		now,
		environments: {production: {uri: testMongoUri(), database: `t_${suffix}_prod`}},
		migrations: {'20260101000001_add_rex.ts': addRex},
		config: {backups: {local: {dir: 'backups'}}},
	});
	await project
		.db('production')
		.collection<{_id: string; name: string}>('dogs')
		.insertMany([
			{_id: 'fido', name: 'fido'},
			{_id: 'lassie', name: 'lassie'},
		]);
	return project;
}

test('rollback restores the state before the latest migrate, after saying what it undoes; --to picks an older one', async t => {
	const project = await productionProject(t);
	const beforeFirst = await snapshot(project.db('production'));
	t.is((await project.monarch(['migrate', 'production', '--yes'])).code, 0);
	const first = `${project.databases.production}_before_migrate__${day}.archive.gz`;

	await project.writeMigration('20260101000002_rename_fido.ts', renameFido);
	const beforeSecond = await snapshot(project.db('production'));
	const second = await project.monarch(['migrate', 'production', '--yes']);
	t.is(second.code, 0, second.stderr);
	const latest = `${project.databases.production}_before_migrate__${day}_2.archive.gz`;
	t.regex(second.stdout, new RegExp(`before the migrations: backups/${latest}`));
	// A write after the migration, which the rollback loses (and says so).
	await project.db('production').collection<{_id: string}>('dogs').insertOne({_id: 'late'});

	const refused = await project.monarch(['rollback', 'production']);
	t.is(refused.code, 2);
	t.regex(refused.stderr, /protected environment "production"/);
	t.is(await project.db('production').collection('dogs').countDocuments(), 4);

	const rolled = await project.monarch(['rollback', 'production', '--yes']);
	t.is(rolled.code, 0, rolled.stderr);
	t.regex(
		rolled.stderr,
		new RegExp(
			`Rolling back production to backups/${latest}, taken 2026-03-01 09:30:00 UTC; it undoes 1 migration: 20260101000002_rename_fido`,
		),
	);
	t.regex(rolled.stderr, /Every write to production \(database t_\w+_prod\) after 2026-03-01 09:30:00 UTC is lost/);
	t.regex(
		rolled.stdout,
		new RegExp(
			`Rolled back production \\(database ${project.databases.production}\\) to backups/${latest}, taken 2026-03-01 09:30:00 UTC: 1 migration undone\\.`,
		),
	);
	t.regex(
		rolled.stdout,
		new RegExp(
			`Safety backup of production before the rollback: backups/${project.databases.production}_before_restore__${day}\\.archive\\.gz`,
		),
	);
	t.deepEqual(await snapshot(project.db('production')), beforeSecond);

	const older = await project.monarch(['rollback', 'production', '--to', first.replace('.archive.gz', ''), '--yes']);
	t.is(older.code, 0, older.stderr);
	t.regex(older.stderr, /it undoes 1 migration: 20260101000001_add_rex/);
	t.deepEqual(await snapshot(project.db('production')), beforeFirst);

	const wrong = await project.monarch([
		'rollback',
		'production',
		'--to',
		`${project.databases.production}_before_restore__${day}`,
		'--yes',
	]);
	t.is(wrong.code, 2);
	t.regex(
		wrong.stderr,
		new RegExp(`--to \\S+: not a safety backup of production taken before a migrate; nothing was changed.*pick one of ${latest}, ${first}`),
	);
	t.deepEqual(await snapshot(project.db('production')), beforeFirst);
});

test('rollback refuses when the environment has no safety backup, naming how to take one', async t => {
	const project = await productionProject(t);
	t.is((await project.monarch(['migrate', 'production', '--yes', '--no-safety-backup'])).code, 0);
	const before = await snapshot(project.db('production'));

	const refused = await project.monarch(['rollback', 'production', '--yes']);
	t.is(refused.code, 2);
	t.is(refused.stderr.trim().split('\n').length, 1, refused.stderr);
	t.regex(
		refused.stderr,
		/No safety backup of production \(t_\w+_prod_before_migrate__<date>\) in the configured backup stores; nothing was changed.*`monarch migrate production` takes one .*`monarch backup production --name t_\w+_prod_before_migrate`/,
	);
	t.deepEqual(await snapshot(project.db('production')), before);
	t.deepEqual(await readdir(path.join(project.dir, 'backups')).catch(() => []), []);
});

test('rollback waits for a running migrate: it refuses, naming the holder, while a live migrations lock is held, and changes nothing', async t => {
	const project = await productionProject(t);
	t.is((await project.monarch(['migrate', 'production', '--yes'])).code, 0);
	await project.writeConfig({
		...JSON.parse(await readFile(path.join(project.dir, 'monarch.json'), 'utf8')),
		lock: {leaseSeconds: 2, waitSeconds: 1},
	});
	const locks = project.db('production').collection<{_id: string}>('monarch_locks');
	await locks.insertOne(heldLock('migrations', {host: 'buildbox', user: 'ci', pid: 4242}));
	const before = await snapshot(project.db('production'));

	const refused = await project.monarch(['rollback', 'production', '--yes']);
	t.is(refused.code, 1);
	t.regex(refused.stderr, /The migrations lock is held by ci@buildbox \(pid 4242\) since 2026-11-23T10:00:00\.000Z/);
	t.deepEqual(await snapshot(project.db('production')), before);
	t.deepEqual(
		(await readdir(path.join(project.dir, 'backups'))).filter(name => name.includes('_before_restore__')),
		[],
		'no restore began',
	);

	await locks.deleteOne({_id: 'migrations'});
	const rolled = await project.monarch(['rollback', 'production', '--yes']);
	t.is(rolled.code, 0, rolled.stderr);
	t.is(await locks.countDocuments(), 0, 'the rollback released its lock');
});
