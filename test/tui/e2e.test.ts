import test from 'ava';
import {createProject, migrationSource, testMongoUri} from '../helpers/project.js';
import {openTerminal} from './helpers/tmux.js';

const slowDogs = migrationSource(
	'AddDogs',
	`\t\tfor (let i = 1; i <= 5; i++) {
\t\t\tawait this.database.collection('dogs').insertOne({i});
\t\t\tthis.progress(i, 5);
\t\t\tthis.log('dog ' + i);
\t\t\tawait new Promise(resolve => setTimeout(resolve, 100));
\t\t}`,
);
const cats = migrationSource('Cats', "\t\tawait this.database.collection('cats').insertOne({name: 'tom'});");

test('monarch with no arguments and no terminal prints the help and exits 2', async t => {
	const project = await createProject(t);
	const result = await project.monarch([]);
	t.is(result.code, 2);
	t.regex(result.stderr, /Usage: monarch/);
});

test('a new user opens monarch in a terminal, switches panels, runs the pending migrations, is stopped at a protected environment until typing its name, resizes, quits', async t => {
	const project = await createProject(t, {
		environments: {staging: {uri: testMongoUri(), database: `t_${Date.now()}_stg`, protected: true}},
		migrations: {'20260101000000_add_dogs.ts': slowDogs, '20260102000000_cats.ts': cats},
	});
	const terminal = await openTerminal(t, {cwd: project.dir, columns: 80, rows: 24});

	let screen = await terminal.waitFor(/› development .* up \d+ ms[\s\S]*staging .* up \d+ ms/);
	t.regex(screen, /^monarch \d+\.\d+\.\d+ /);
	t.regex(screen, / 1 Environments {3}2 Migrations {3}3 Backups {3}4 QuerySets/);
	t.regex(screen, /staging\s+127\.0\.0\.1:\d+\s+\S+\s+yes\s+up/);
	t.regex(screen, /enter\/m migrations {2}d drop db/);
	const lines = screen.split('\n');
	t.true(lines.length <= 24);
	t.regex(lines[22] ?? '', /\? help {2}q quit/);

	await terminal.press('?');
	await terminal.waitFor('Keys (esc closes)');
	await terminal.press('Escape');
	await terminal.waitFor('enter/m migrations');

	await terminal.press('Tab');
	screen = await terminal.waitFor('2 migrations, 2 pending');
	t.regex(screen, /› New\s+20260101000000_add_dogs/);
	await terminal.press('4');
	await terminal.waitFor('QuerySets are not in this build yet');
	await terminal.press('2');
	await terminal.waitFor('2 migrations, 2 pending');

	await terminal.press('m');
	screen = await terminal.waitFor('Migrate development done', 60_000);
	t.regex(screen, /✔ 20260101000000_add_dogs \(\d+ ms\)/);
	t.regex(screen, /add_dogs │ dog 5/);
	t.regex(screen, /■ Ran 2 migrations on development/);
	t.is(await project.db().collection('dogs').countDocuments(), 5);
	t.is(await project.db().collection('cats').countDocuments(), 1);
	await terminal.press('Escape');
	screen = await terminal.waitFor('2 migrations, 0 pending');
	t.regex(screen, /Completed\s+20260102000000_cats/);

	await terminal.press('l');
	await terminal.waitFor(/◂ staging ▸.*2 migrations, 2 pending/);
	await terminal.press('m');
	await terminal.waitFor('Type staging to confirm');
	await terminal.type('stage');
	await terminal.press('Enter');
	await terminal.waitFor('type "staging" exactly');
	t.is(await project.db('staging').collection('monarch_migrations').countDocuments(), 0);
	await terminal.press('Escape');
	await terminal.waitFor('Migrate staging stopped');
	t.is(await project.db('staging').collection('monarch_migrations').countDocuments(), 0);
	t.is(await project.db('staging').collection('dogs').countDocuments(), 0);
	await terminal.press('Escape');
	await terminal.press('m');
	await terminal.waitFor('Type staging to confirm');
	await terminal.type('staging');
	await terminal.press('Enter');
	await terminal.waitFor('Migrate staging done', 60_000);
	t.is(await project.db('staging').collection('dogs').countDocuments(), 5);
	await terminal.press('Escape');
	await terminal.waitFor(/◂ staging ▸.*2 migrations, 0 pending/);

	await terminal.resize(110, 30);
	screen = await terminal.waitFor(/x matrix {2}\/ filter {2}r refresh {2}\? help {2}q quit/);
	t.regex(screen.split('\n')[0] ?? '', /^monarch .{80,} \? help$/);
	t.regex(screen.split('\n')[28] ?? '', /q quit/);
	await terminal.resize(80, 24);
	screen = await terminal.waitFor(shown => /x matrix {2}\? help {2}q quit/.test(shown.split('\n')[22] ?? ''));
	t.is(screen.split('\n').length, 24);
	t.regex(screen, /◂ staging ▸/);

	await terminal.press('q');
	await terminal.waitFor('EXIT=0');
	t.pass();
});

test('ctrl+c while a question is open quits at once and changes nothing', async t => {
	const project = await createProject(t);
	await project.db().collection('dogs').insertOne({name: 'rex'});
	const terminal = await openTerminal(t, {cwd: project.dir});
	await terminal.waitFor(/› development .* up \d+ ms/);
	await terminal.press('d');
	await terminal.waitFor(/Drop database t_\w+_dev \(1 collections\)\?/);
	await terminal.press('C-c');
	await terminal.waitFor('EXIT=0');
	t.is(await project.db().collection('dogs').countDocuments(), 1);
});
