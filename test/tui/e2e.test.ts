import {randomInt} from 'node:crypto';
import {copyFile, readdir, readFile} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {createProject, migrationSource, testMongoUri} from '../helpers/project.js';
import {createLatch, type Latch} from './helpers/latch.js';
import {openTerminal} from './helpers/tmux.js';

/** A database name of its own for a test's staging environment (digits: the assertions read it as t_\d+_stg). */
const freshDatabase = () => `t_${randomInt(1e9, 1e10)}_stg`;

/** Five dogs, one a step; after the first it waits at `latch`, so the test sees the job running live. */
const latchedDogs = (latch: Latch) =>
	migrationSource(
		'AddDogs',
		`\t\tfor (let i = 1; i <= 5; i++) {
\t\t\tawait this.database.collection('dogs').insertOne({i});
\t\t\tthis.progress(i, 5);
\t\t\tthis.log('dog ' + i);
\t\t\tif (i === 1) {
${latch.wait}
\t\t\t}
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
	const latch = createLatch(t);
	const project = await createProject(t, {
		environments: {staging: {uri: testMongoUri(), database: freshDatabase(), protected: true}},
		migrations: {'20260101000000_add_dogs.ts': latchedDogs(latch), '20260102000000_cats.ts': cats},
		// Migrating the protected staging backs it up first, into this store.
		config: {backups: {local: {dir: 'backups'}}},
	});
	const terminal = await openTerminal(t, {cwd: project.dir, columns: 80, rows: 24});

	let screen = await terminal.waitFor(/› development .* up (?:\d+ ms|[\d.]+ s)[\s\S]*staging .* up (?:\d+ ms|[\d.]+ s)/);
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
	await terminal.waitFor('no QuerySets yet');
	await terminal.press('2');
	await terminal.waitFor('2 migrations, 2 pending');

	await terminal.press('m');
	screen = await terminal.waitFor(/Migrate development running[\s\S]*add_dogs │ dog 1/);
	t.regex(screen, /▶ 20260101000000_add_dogs/);
	await latch.open();
	screen = await terminal.waitFor('Migrate development done', 60_000);
	t.regex(screen, /✔ 20260101000000_add_dogs \((?:\d+ ms|[\d.]+ s)\)/);
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
	await terminal.waitFor(/◂ staging ▸.*2 migrations, 2 pending/);
	await terminal.press('m');
	await terminal.waitFor('Type staging to confirm');
	await terminal.type('staging');
	await terminal.press('Enter');
	await terminal.waitFor('Migrate staging done', 60_000);
	t.is(await project.db('staging').collection('dogs').countDocuments(), 5);
	await terminal.press('Escape');
	await terminal.waitFor(/◂ staging ▸.*2 migrations, 0 pending/);

	await terminal.resize(110, 30);
	screen = await terminal.waitFor(/x matrix {2}R rehearse {2}u roll back {2}\? help {2}q quit/);
	t.regex(screen.split('\n')[0] ?? '', /^monarch .{80,} \? help$/);
	t.regex(screen.split('\n')[28] ?? '', /q quit/);
	await terminal.resize(80, 24);
	screen = await terminal.waitFor(shown => /x matrix {2}\? help {2}q quit/.test(shown.split('\n')[22] ?? ''));
	t.is(screen.split('\n').length, 24);
	t.regex(screen, /◂ staging ▸/);

	await terminal.press('q');
	t.regex(await terminal.waitFor('EXIT=0'), /^EXIT=0$/m);
});

test('ctrl+c while a question is open quits at once and changes nothing', async t => {
	const project = await createProject(t);
	await project.db().collection('dogs').insertOne({name: 'rex'});
	const terminal = await openTerminal(t, {cwd: project.dir});
	await terminal.waitFor(/› development .* up (?:\d+ ms|[\d.]+ s)/);
	await terminal.press('d');
	await terminal.waitFor(/Drop database t_\w+_dev \(1 collection\)\?/);
	await terminal.press('C-c');
	await terminal.waitFor('EXIT=0');
	t.is(await project.db().collection('dogs').countDocuments(), 1);
});

test('in a terminal, a backup picked with the arrow keys in the Backups panel is restored into development after a yes', async t => {
	const project = await createProject(t, {config: {backups: {local: {dir: 'backups'}}}});
	const dogs = project.db().collection<{_id: number; name: string}>('dogs');
	await dogs.insertOne({_id: 1, name: 'rex'});
	// Fixed times (MONARCH_NOW) for the backups and for monarch's today: the list's dates never depend on the day the test runs.
	t.is((await project.monarch(['backup', 'development', '--name', 'one'], {env: {MONARCH_NOW: '2026-03-01T09:30:00Z'}})).code, 0);
	await dogs.insertOne({_id: 2, name: 'fido'});
	t.is((await project.monarch(['backup', 'development', '--name', 'two'], {env: {MONARCH_NOW: '2026-03-01T09:40:00Z'}})).code, 0);
	await dogs.deleteMany({});
	await project.db().collection('cats').insertOne({name: 'tom'});

	const terminal = await openTerminal(t, {cwd: project.dir, columns: 80, rows: 24, now: '2026-03-02T12:00:00Z'});
	await terminal.waitFor(/› development .* up (?:\d+ ms|[\d.]+ s)/);
	await terminal.press('3');
	let screen = await terminal.waitFor(/2 backups[\s\S]*› two__\d{4}_\d\d_\d\d/);
	t.regex(screen, /one__\d{4}_\d\d_\d\d\s+[\d.]+ \w*B\s+development\s+\d\d-\d\d \d\d:\d\d\s+-\s+complete/);
	t.regex(screen, /enter restore {2}n new backup/);
	t.true(screen.split('\n').length <= 24);
	await terminal.press('Down');
	await terminal.waitFor('› one__');
	await terminal.press('Enter');
	await terminal.waitFor(/into which[\s\S]*environment\?[\s\S]*❯ development/);
	await terminal.press('Enter');
	await terminal.waitFor('replacing its data?');
	t.is(await project.db().collection('cats').countDocuments(), 1);
	await terminal.press('y');
	screen = await terminal.waitFor(/loaded {6}1 collection, 1 document/);
	t.regex(screen, /Restored one__\d{4}_\d\d_\d\d into development/);
	t.deepEqual(await dogs.find().toArray(), [{_id: 1, name: 'rex'}]);
	t.is(await project.db().collection('cats').countDocuments(), 0);
	await terminal.press('Escape');
	await terminal.waitFor(/■ Restored one__\S+ into development: 1 collection, 1 document/);
	await terminal.press('Escape');
	await terminal.waitFor('› one__');
	await terminal.press('q');
	await terminal.waitFor('EXIT=0');
});

test("in a terminal, AccountQuerySet's form is answered into a backup, whose restore into a protected environment waits for its typed name", async t => {
	const project = await createProject(t, {
		environments: {staging: {uri: testMongoUri(), database: freshDatabase(), protected: true}},
		config: {backups: {local: {dir: 'backups'}}},
	});
	await copyFile(fileURLToPath(new URL('../../querysets/account.ts', import.meta.url)), path.join(project.dir, 'querysets', 'account.ts'));
	type Row = {_id: number; [key: string]: unknown};
	await project
		.db()
		.collection<Row>('accounts')
		.insertMany([
			{_id: 41, name: 'other'},
			{_id: 42, name: 'acme'},
		]);
	await project
		.db()
		.collection<Row>('campaigns')
		.insertMany([
			{_id: 1, account_id: 42},
			{_id: 2, account_id: 41},
			{_id: 3, account_id: 42},
		]);
	await project.db('staging').collection<Row>('accounts').insertOne({_id: 7, name: 'old'});

	const terminal = await openTerminal(t, {cwd: project.dir, columns: 80, rows: 24});
	await terminal.waitFor(/› development .* up (?:\d+ ms|[\d.]+ s)/);
	await terminal.press('4');
	await terminal.waitFor(/› AccountQuerySet\s+accountId\s+querysets\/account\.ts/);
	await terminal.press('Enter');
	await terminal.waitFor('Run AccountQuerySet into…');
	await terminal.press('Enter');
	await terminal.waitFor(/from which environment\?[\s\S]*❯ development/);
	await terminal.press('Enter');
	await terminal.waitFor('Please enter an account id');
	await terminal.type('42');
	await terminal.press('Enter');
	await terminal.waitFor(/■ Backed up development \(AccountQuerySet\): 2 collections, 3 documents/);
	const manifests = (await readdir(path.join(project.dir, 'backups'))).filter(name => name.endsWith('.manifest.json'));
	t.is(manifests.length, 1);
	const manifest = JSON.parse(await readFile(path.join(project.dir, 'backups', manifests[0]!), 'utf8')) as {
		querySet: unknown;
		collections: Array<{name: string; count: number}>;
	};
	t.deepEqual(manifest.querySet, {name: 'AccountQuerySet', answers: {accountId: 42}});
	t.deepEqual(
		manifest.collections.map(entry => [entry.name, entry.count]),
		[
			['accounts', 1],
			['campaigns', 2],
		],
	);
	await terminal.press('Escape');
	await terminal.waitFor(/› AccountQuerySet/);

	await terminal.press('3');
	await terminal.waitFor(/› t_\w+_dev__/);
	await terminal.press('Enter');
	await terminal.waitFor(/into which[\s\S]*environment\?[\s\S]*❯ development/);
	await terminal.press('Down');
	await terminal.waitFor('❯ staging');
	await terminal.press('Enter');
	await terminal.waitFor('Type staging to confirm');
	await terminal.type('stag');
	await terminal.press('Enter');
	await terminal.waitFor('type "staging" exactly');
	t.deepEqual(await project.db('staging').collection<Row>('accounts').find().toArray(), [{_id: 7, name: 'old'}]);
	await terminal.press('Escape');
	await terminal.waitFor(/Restore t_\w+_dev__\S+ stopped/);
	t.deepEqual(await project.db('staging').collection<Row>('accounts').find().toArray(), [{_id: 7, name: 'old'}]);
	await terminal.press('Escape');
	await terminal.waitFor(/› t_\w+_dev__/);

	await terminal.press('Enter');
	await terminal.waitFor(/into which[\s\S]*environment\?[\s\S]*❯ development/);
	await terminal.press('Down');
	await terminal.waitFor('❯ staging');
	await terminal.press('Enter');
	await terminal.waitFor('Type staging to confirm');
	await terminal.type('staging');
	await terminal.press('Enter');
	const screen = await terminal.waitFor(/loaded {6}2 collections, 3 documents/);
	t.regex(screen, /safety {6}backups\/t_\d+_stg_before_restore__/);
	t.deepEqual(await project.db('staging').collection<Row>('accounts').find().toArray(), [{_id: 42, name: 'acme'}]);
	t.is(await project.db('staging').collection('campaigns').countDocuments(), 2);
	await terminal.press('Escape');
	await terminal.waitFor(/Restore t_\w+_dev__\S+ done/);
	await terminal.press('Escape');
	// The list again, with the safety backup (newest, so selected) above the restored one.
	await terminal.waitFor(/2 backups[\s\S]*› t_\d+_stg_befo/);
	await terminal.press('q');
	await terminal.waitFor('EXIT=0');
});

test('in a terminal, : runs migrate staging: the typed-name confirmation is answered, the finished job shows its CLI line, y puts it on the clipboard', async t => {
	const project = await createProject(t, {
		environments: {staging: {uri: testMongoUri(), database: freshDatabase(), protected: true}},
		migrations: {'20260102000000_cats.ts': cats},
		// Migrating the protected staging backs it up first, into this store.
		config: {backups: {local: {dir: 'backups'}}},
	});
	const terminal = await openTerminal(t, {cwd: project.dir, columns: 80, rows: 24});
	await terminal.waitFor(/› development .* up (?:\d+ ms|[\d.]+ s)/);

	await terminal.press(':');
	let screen = await terminal.waitFor('tab complete');
	t.regex(screen.split('\n')[22] ?? '', /tab complete {2}↑ history {2}enter run {2}esc close/);
	await terminal.type('migrate sta');
	await terminal.press('Tab');
	await terminal.waitFor(/^:migrate staging\s*$/m);
	await terminal.press('Enter');
	screen = await terminal.waitFor('Type staging to confirm');
	t.is(await project.db('staging').collection('cats').countDocuments(), 0);
	await terminal.type('staging');
	await terminal.press('Enter');
	screen = await terminal.waitFor('Migrate staging done', 60_000);
	t.regex(screen, /^\$ monarch migrate staging --yes\s*$/m);
	t.regex(screen, /■ Ran 1 migration on staging/);
	t.regex(screen, /y copy command {2}esc\/enter\/q close/);
	t.true(screen.split('\n').length <= 24);
	t.is(await project.db('staging').collection('cats').countDocuments(), 1);

	t.is(await terminal.clipboard(), undefined);
	await terminal.press('y');
	screen = await terminal.waitFor('The CLI line of "Migrate staging"');
	t.regex(screen, /^monarch migrate staging --yes\s*$/m);
	t.regex(screen, /Copied the CLI line to the clipboard \(if your terminal allows OSC 52\)/);
	t.is(await terminal.clipboard(), 'monarch migrate staging --yes');
	await terminal.press('Escape');
	await terminal.waitFor('Migrate staging done');
	await terminal.press('Escape');
	await terminal.waitFor(/› development .* up/);
	await terminal.press('q');
	await terminal.waitFor('EXIT=0');
});
