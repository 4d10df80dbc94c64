import test from 'ava';
import {type Loose, seed, snapshot, stagingCollections} from './helpers/backup-data.js';
import {createProject, testMongoUri} from './helpers/project.js';

async function copyProject(t: Parameters<typeof createProject>[0]) {
	const suffix = Math.random().toString(16).slice(2, 10);
	return createProject(t, {
		environments: {
			staging: {uri: testMongoUri(), database: `t_${suffix}_staging`},
			production: {uri: testMongoUri(), database: `t_${suffix}_prod`},
		},
		config: {backups: {local: {dir: 'backups'}}},
	});
}

test('copy_db makes the target equal to the source, byte for byte, dropping what the source does not have', async t => {
	const project = await copyProject(t);
	await seed(project.db('development'), {dogs: 700});
	await project.db('staging').collection<Loose>('dogs').insertOne({_id: 'stray'});
	await project.db('staging').collection<Loose>('leftover').insertOne({_id: 1, x: 1});

	const copied = await project.monarch(['copy_db', 'development:staging', '--yes']);
	t.is(copied.code, 0, copied.stderr);
	t.regex(
		copied.stdout,
		new RegExp(
			`Copied development \\(database ${project.databases.development}\\) into staging \\(database ${project.databases.staging}\\): 4 collections, 704 documents`,
		),
	);
	t.regex(copied.stdout, /Dropped leftover \(not in the source\)/);
	t.deepEqual(await snapshot(project.db('staging')), await snapshot(project.db('development')));
	t.deepEqual(await stagingCollections(project.db('staging')), []);
});

test('copy_db into a protected environment without --yes changes nothing; with --yes it takes a safety backup first', async t => {
	const project = await copyProject(t);
	await seed(project.db('development'), {dogs: 20});
	await project.db('production').collection<Loose>('orders').insertOne({_id: 1, total: 42});
	const before = await snapshot(project.db('production'));

	const refused = await project.monarch(['copy_db', 'development:production']);
	t.is(refused.code, 2);
	t.regex(
		refused.stderr,
		/Copy development \(database t_\w+\) into production \(database t_\w+\), replacing its data on protected environment "production"/,
	);
	t.regex(refused.stderr, /nothing was changed/);
	t.deepEqual(await snapshot(project.db('production')), before);

	const copied = await project.monarch(['copy-db', 'development:production', '--yes']);
	t.is(copied.code, 0, copied.stderr);
	t.regex(copied.stdout, /Safety backup of production before the copy: backups\/t_\w+_prod_before_copy__\d{4}_\d\d_\d\d\.archive\.gz/);
	t.deepEqual(await snapshot(project.db('production')), await snapshot(project.db('development')));
});

test('copy_db refuses the same environment, or the same database, as source and target', async t => {
	const project = await createProject(t, {environments: {alias: {uri: testMongoUri(), database: 'placeholder'}}});
	const config = JSON.parse(await (await import('node:fs/promises')).readFile(`${project.dir}/monarch.json`, 'utf8')) as {
		environments: Record<string, {database: string}>;
	};
	config.environments.alias!.database = config.environments.development!.database;
	await project.writeConfig(config);
	await project.db('development').collection<Loose>('dogs').insertOne({_id: 1});

	const same = await project.monarch(['copy_db', 'development:development', '--yes']);
	t.is(same.code, 2);
	t.regex(same.stderr, /the source and the target are the same environment/);
	const alias = await project.monarch(['copy_db', 'development:alias', '--yes']);
	t.is(alias.code, 2);
	t.regex(alias.stderr, /both are database/);
	t.is(await project.db('development').collection<Loose>('dogs').countDocuments(), 1);
});
