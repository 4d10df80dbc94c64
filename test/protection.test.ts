import {execFile} from 'node:child_process';
import {promisify} from 'node:util';
import test from 'ava';
import {createProject, migrationSource, monarchBin, testMongoUri} from './helpers/project.js';

const run = promisify(execFile);
const insertDog = migrationSource('Dog', "\t\tawait this.database.collection('dogs').insertOne({name: 'rex'});");

async function protectedProject(t: Parameters<typeof createProject>[0]) {
	const suffix = Math.random().toString(16).slice(2, 10);
	return createProject(t, {
		environments: {
			production: {uri: testMongoUri(), database: `t_${suffix}_prod`},
			staging: {uri: testMongoUri(), database: `t_${suffix}_staging`, protected: true},
		},
		migrations: {'20260101000001_dog.ts': insertDog},
		// Migrating a protected environment backs it up first, into this store.
		config: {backups: {local: {dir: 'backups'}}},
	});
}

test('migrate on a protected environment without a terminal refuses without --yes and changes nothing', async t => {
	const project = await protectedProject(t);
	for (const environment of ['production', 'staging']) {
		const refused = await project.monarch(['migrate', environment]);
		t.is(refused.code, 2);
		t.regex(
			refused.stderr,
			new RegExp(
				`Run 1 pending migration on protected environment "${environment}" .* Refusing without confirmation; nothing was changed \\(pass --yes to confirm from CI\\)`,
			),
		);
		t.is(await project.db(environment).collection('dogs').countDocuments(), 0);
		t.is(await project.db(environment).collection('monarch_migrations').countDocuments(), 0);
		t.is(await project.db(environment).collection('monarch_locks').countDocuments(), 0);
	}

	const refusedOne = await project.monarch(['migrate_one', '20260101000001_dog', 'production']);
	t.is(refusedOne.code, 2);
	t.is(await project.db('production').collection('dogs').countDocuments(), 0);

	const confirmed = await project.monarch(['migrate', 'production', '--yes']);
	t.is(confirmed.code, 0, confirmed.stderr);
	t.is(await project.db('production').collection('dogs').countDocuments(), 1);
});

test('on a terminal, a protected migrate runs only when the environment name is typed', async t => {
	const project = await protectedProject(t);
	// `script` gives monarch a real pseudo-terminal; what we pipe in is what the user types.
	const typed = async (answer: string) => {
		const command = `${process.execPath} ${monarchBin} migrate production`;
		const {stdout} = await run('sh', ['-c', `printf '${answer}\\n' | script -qec "${command}" /dev/null`], {
			cwd: project.dir,
			env: {...process.env, NO_COLOR: '1'},
		}).catch((error: {stdout: string}) => error);
		return stdout;
	};

	const wrong = await typed('prod');
	t.regex(wrong, /Type "production" to go on:/);
	t.regex(wrong, /Not confirmed: Run 1 pending migration on "production"; nothing was changed/);
	t.is(await project.db('production').collection('dogs').countDocuments(), 0);

	const right = await typed('production');
	t.regex(right, /Ran 1 migration on production/);
	t.is(await project.db('production').collection('dogs').countDocuments(), 1);
});

test('drop_db asks first: refused without --yes, done with it', async t => {
	const project = await protectedProject(t);
	await project.db('production').collection('dogs').insertOne({name: 'rex'});
	await project.db('development').collection('dogs').insertOne({name: 'fido'});

	const refused = await project.monarch(['drop_db', 'production']);
	t.is(refused.code, 2);
	t.regex(refused.stderr, /Refusing without confirmation; nothing was changed/);
	const unattended = await project.monarch(['drop-db', 'development']);
	t.is(unattended.code, 2);
	t.regex(unattended.stderr, /pass --yes to confirm without a terminal/);
	t.is(await project.db('production').collection('dogs').countDocuments(), 1);
	t.is(await project.db('development').collection('dogs').countDocuments(), 1);

	const dropped = await project.monarch(['drop_db', 'development', '--yes']);
	t.is(dropped.code, 0, dropped.stderr);
	t.regex(dropped.stdout, /Dropped database t_\w+_dev of development \(1 collection\)/);
	t.is(await project.db('development').collection('dogs').countDocuments(), 0);
	t.is(await project.db('production').collection('dogs').countDocuments(), 1);
});
