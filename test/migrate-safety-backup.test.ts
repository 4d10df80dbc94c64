import {readdir} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {snapshot} from './helpers/backup-data.js';
import {createProject, migrationSource, type Project, testMongoUri} from './helpers/project.js';

/** The day monarch dates these tests' backups with (MONARCH_NOW), whatever today is. */
const now = '2026-03-01T09:30:00.000Z';
const day = '2026_03_01';

const addRex = migrationSource('AddRex', "\t\tawait this.database.collection('dogs').insertOne({_id: 'rex', name: 'rex'});");
const renameFido = migrationSource(
	'RenameFido',
	"\t\tawait this.database.collection('dogs').updateOne({_id: 'fido'}, {$set: {name: 'Fido'}});",
);
const migrations = {'20260101000001_add_rex.ts': addRex, '20260101000002_rename_fido.ts': renameFido};
const keys = ['20260101000001_add_rex', '20260101000002_rename_fido'];

type ListedMigration = {key: string; state: string; safetyBackup?: {store: string; archive: string}};
type ListedBackup = {
	archive: string;
	state: string;
	environment: string | null;
	manifest?: {collections: Array<{name: string; count: number}>};
};

/** A project whose `production` (protected by its name) holds two dogs, with a local backup store unless `config` says otherwise. */
async function productionProject(
	t: Parameters<typeof createProject>[0],
	config: Record<string, unknown> = {backups: {local: {dir: 'backups'}}},
): Promise<Project> {
	const suffix = Math.random().toString(16).slice(2, 10);
	const project = await createProject(t, {
		now,
		environments: {production: {uri: testMongoUri(), database: `t_${suffix}_prod`}},
		migrations,
		config,
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

async function listed(project: Project): Promise<ListedMigration[]> {
	const result = await project.monarch(['list_migrations', 'production', '--json']);
	if (result.code !== 0) throw new Error(result.stderr);
	return (JSON.parse(result.stdout) as {migrations: ListedMigration[]}).migrations;
}

async function backupFiles(project: Project): Promise<string[]> {
	return readdir(path.join(project.dir, 'backups')).catch(() => []);
}

test('migrate on a protected environment backs it up first, prints the backup and records it in the history of that run', async t => {
	const project = await productionProject(t);
	const before = await snapshot(project.db('production'));

	const migrated = await project.monarch(['migrate', 'production', '--yes']);
	t.is(migrated.code, 0, migrated.stderr);
	const safety = `${project.databases.production}_before_migrate__${day}.archive.gz`;
	t.regex(migrated.stdout + migrated.stderr, new RegExp(`Safety backup of production before migrating: backups/${safety}`));
	t.regex(
		migrated.stdout,
		new RegExp(
			`Safety backup of production before the migrations: backups/${safety} \\(undo with \`monarch restore ${safety}:production\`\\)`,
		),
	);
	t.is(await project.db('production').collection('dogs').countDocuments(), 3);

	// A complete backup (archive and manifest) of the state before the first migration.
	t.deepEqual((await backupFiles(project)).sort(), [safety, `${safety}.manifest.json`]);
	const backups = await project.monarch(['list_backups', '--json']);
	t.is(backups.code, 0, backups.stderr);
	const entry = (JSON.parse(backups.stdout) as {backups: ListedBackup[]}).backups.find(backup => backup.archive === safety);
	t.is(entry?.state, 'complete');
	t.is(entry?.environment, 'production');
	t.deepEqual(
		entry?.manifest?.collections.map(({name, count}) => ({name, count})),
		[{name: 'dogs', count: 2}],
	);

	// Both entries of the run name it, in the database and in list_migrations --json.
	const recorded = {store: 'backups/', archive: safety};
	t.deepEqual(
		(await listed(project)).map(({key, state, safetyBackup}) => ({key, state, safetyBackup})),
		keys.map(key => ({key, state: 'Completed', safetyBackup: recorded})),
	);
	const history = await project
		.db('production')
		.collection<{_id: string; safetyBackup?: unknown}>('monarch_migrations')
		.find({})
		.sort({_id: 1})
		.toArray();
	t.deepEqual(
		history.map(entry => entry.safetyBackup),
		[recorded, recorded],
	);

	// It holds the state before the migrations: restored elsewhere, it is that state.
	const restored = await project.monarch(['restore', `${safety}:development`, '--yes']);
	t.is(restored.code, 0, restored.stderr);
	t.deepEqual(await snapshot(project.db('development')), before);

	// Nothing pending: no backup is taken.
	const again = await project.monarch(['migrate', 'production', '--yes']);
	t.is(again.code, 0, again.stderr);
	t.regex(again.stdout, /Nothing to migrate on production/);
	t.notRegex(again.stdout + again.stderr, /Safety backup/);
	t.deepEqual((await backupFiles(project)).sort(), [safety, `${safety}.manifest.json`]);
});

test('migrate_one on a protected environment backs it up too, and a later run without a backup drops the old record', async t => {
	const project = await productionProject(t);
	const ran = await project.monarch(['migrate_one', keys[1]!, 'production', '--yes']);
	t.is(ran.code, 0, ran.stderr);
	const safety = `${project.databases.production}_before_migrate__${day}.archive.gz`;
	t.deepEqual((await backupFiles(project)).sort(), [safety, `${safety}.manifest.json`]);
	t.deepEqual((await listed(project)).find(migration => migration.key === keys[1])?.safetyBackup, {store: 'backups/', archive: safety});

	const rerun = await project.monarch(['migrate_one', keys[1]!, 'production', '--yes', '--no-safety-backup']);
	t.is(rerun.code, 0, rerun.stderr);
	t.is((await listed(project)).find(migration => migration.key === keys[1])?.safetyBackup, undefined);
	t.is((await backupFiles(project)).length, 2);
});

test('--no-safety-backup and "migrate": {"safetyBackup": false} skip the backup; an unprotected environment gets none', async t => {
	const flagged = await productionProject(t);
	const skipped = await flagged.monarch(['migrate', 'production', '--yes', '--no-safety-backup']);
	t.is(skipped.code, 0, skipped.stderr);
	t.notRegex(skipped.stdout + skipped.stderr, /Safety backup/);
	t.deepEqual(await backupFiles(flagged), []);
	t.deepEqual(
		(await listed(flagged)).map(({state, safetyBackup}) => ({state, safetyBackup})),
		keys.map(() => ({state: 'Completed', safetyBackup: undefined})),
	);

	const configured = await productionProject(t, {backups: {local: {dir: 'backups'}}, migrate: {safetyBackup: false}});
	const off = await configured.monarch(['migrate', 'production', '--yes']);
	t.is(off.code, 0, off.stderr);
	t.notRegex(off.stdout + off.stderr, /Safety backup/);
	t.deepEqual(await backupFiles(configured), []);
	t.is(await configured.db('production').collection('dogs').countDocuments(), 3);

	const development = await configured.monarch(['migrate', 'development']);
	t.is(development.code, 0, development.stderr);
	t.deepEqual(await backupFiles(configured), []);
});

test('a protected environment with no backup store is refused before anything runs, naming both ways out', async t => {
	const project = await productionProject(t, {});
	const before = await snapshot(project.db('production'));
	for (const args of [
		['migrate', 'production', '--yes'],
		['migrate_one', keys[0]!, 'production', '--yes'],
		['migrate', 'production'],
	]) {
		const refused = await project.monarch(args);
		t.is(refused.code, 2, args.join(' '));
		t.is(refused.stderr.trim().split('\n').length, 1, refused.stderr);
		t.regex(
			refused.stderr,
			/monarch\.json: backups: no backup location for the safety backup of protected environment "production"; nothing was changed.*configure backups\.local or backups\.s3, or pass --no-safety-backup/,
		);
		t.deepEqual(await snapshot(project.db('production')), before);
	}

	const skipped = await project.monarch(['migrate', 'production', '--yes', '--no-safety-backup']);
	t.is(skipped.code, 0, skipped.stderr);
	t.is(await project.db('production').collection('dogs').countDocuments(), 3);
});

test('"migrate.safetyBackup" must be a boolean', async t => {
	const project = await productionProject(t, {migrate: {safetyBackup: 'no'}});
	const result = await project.monarch(['migrate', 'production', '--yes']);
	t.is(result.code, 2);
	t.regex(result.stderr, /monarch\.json.*migrate\.safetyBackup/);
	t.is(await project.db('production').collection('dogs').countDocuments(), 2);
});

test('a migration that fails after the safety backup names the rollback that undoes the run', async t => {
	const project = await productionProject(t);
	const before = await snapshot(project.db('production'));
	await project.writeMigration('20260101000003_boom.ts', migrationSource('Boom', "\t\tthrow new Error('boom');"));
	const failed = await project.monarch(['migrate', 'production', '--yes']);
	t.is(failed.code, 1);
	const safety = `${project.databases.production}_before_migrate__${day}.archive.gz`;
	t.regex(
		failed.stderr,
		new RegExp(
			`Migration 20260101000003_boom failed on production: boom.*or undo this run with \`monarch rollback production\` \\(${safety}\\)`,
		),
	);

	const rolled = await project.monarch(['rollback', 'production', '--yes']);
	t.is(rolled.code, 0, rolled.stderr);
	t.regex(rolled.stderr, new RegExp(`it undoes 3 migrations: ${keys.join(', ')}, 20260101000003_boom`));
	t.deepEqual(await snapshot(project.db('production')), before);
});
