/** @jsxRuntime automatic */
/** @jsxImportSource react */
import {randomBytes} from 'node:crypto';
import {existsSync} from 'node:fs';
import {readdir} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {createProject, migrationSource, testMongoUri} from '../helpers/project.js';
import {openApp} from './helpers/app.js';
import {keys, press, type, waitForFrame, waitForText} from './helpers/ink.js';
import {createLatch, type Latch} from './helpers/latch.js';

process.env.MONARCH_CONNECT_TIMEOUT_MS = '2000';

const unreachable = 'mongodb://app:hunter2@127.0.0.1:1/?serverSelectionTimeoutMS=1000';

/** A database name of its own for a test's extra environment. */
const freshDatabase = () => `t_${randomBytes(4).toString('hex')}_stg`;

/** A fixed time for history records whose dates no assertion reads. */
const someTime = new Date('2026-01-01T12:00:00Z');

test.serial('environments panel: every environment with host, database, protection, reachability, collections and size', async t => {
	const project = await createProject(t, {
		environments: {
			staging: {uri: testMongoUri(), database: freshDatabase(), protected: true},
			offline: {uri: unreachable, database: 'gone'},
		},
	});
	await project
		.db()
		.collection('dogs')
		.insertMany([{name: 'rex'}, {name: 'fido'}]);
	const app = await openApp(t, project);
	const frame = await waitForFrame(
		app.lastFrame,
		frame => /development .* up (?:\d+ ms|[\d.]+ s)\s+1\s+\d/.test(frame) && /offline .* down/.test(frame),
		'every ping',
	);
	t.regex(frame, /monarch 9\.9\.9/);
	t.regex(frame, / 1 Environments {3}2 Migrations {3}3 Backups {3}4 QuerySets/);
	t.regex(frame, /› development\s+127\.0\.0\.1:\d+\s+t_\w+_dev\s+no\s+up (?:\d+ ms|[\d.]+ s)\s+1\s+[\d.]+ (?:Ki)?B/);
	t.regex(frame, /staging\s+127\.0\.0\.1:\d+\s+\S+\s+yes/);
	t.regex(frame, /offline\s+127\.0\.0\.1:1\s+gone\s+no\s+down\s+-\s+-/);
	t.false(frame.includes('hunter2'));
	t.regex(frame, /development\s+t_\w+_dev\s+● connected (?:\d+ ms|[\d.]+ s)\s+1 collection\b/);
	t.true(frame.split('\n').length < 24);

	await press(app, 'j');
	await press(app, 'j');
	const offline = await waitForText(app.lastFrame, /› offline[\s\S]*offline\s+gone\s+● unreachable/);
	t.regex(offline, /unreachable: connect ECONNREFUSED/);
	t.regex(offline, /mongodb:\/\/app:\*\*\*@127\.0\.0\.1:1/);
	t.false(offline.includes('hunter2'));

	await press(app, '/');
	await waitForText(app.lastFrame, 'enter keep filter');
	await type(app, 'stag');
	await press(app, keys.enter);
	const filtered = await waitForFrame(app.lastFrame, frame => frame.includes('/ stag') && !frame.includes('offline '), 'the filter');
	t.regex(filtered, /› staging/);
	t.false(filtered.includes('development  127'));
	await press(app, keys.escape);
	t.regex(await waitForText(app.lastFrame, 'offline '), /offline /);
});

test.serial('environments panel: drop asks first, and on a protected environment only the typed name drops it', async t => {
	const project = await createProject(t, {environments: {staging: {uri: testMongoUri(), database: freshDatabase(), protected: true}}});
	await project.db().collection('dogs').insertOne({name: 'rex'});
	await project.db('staging').collection('cats').insertOne({name: 'tom'});
	const app = await openApp(t, project);
	await waitForText(app.lastFrame, /› development .* up/);

	await press(app, 'd');
	await waitForText(app.lastFrame, /Drop database t_\w+_dev \(1 collection\)\?/);
	await press(app, 'n');
	await waitForText(app.lastFrame, 'nothing was changed');
	t.is(await project.db().collection('dogs').countDocuments(), 1);
	await press(app, keys.escape);
	await waitForText(app.lastFrame, '› development');

	await press(app, 'd');
	// The refusal above also says "Drop database": wait for the question itself.
	await waitForText(app.lastFrame, /Drop database t_\w+_dev \(1 collection\)\?[\s\S]*y yes/);
	await press(app, 'y');
	await waitForText(app.lastFrame, /Dropped t_\w+_dev on development \(1 collection\)/);
	t.deepEqual(await project.db().listCollections().toArray(), []);
	await press(app, keys.escape);
	await waitForText(app.lastFrame, '› development');

	await press(app, 'j');
	await waitForText(app.lastFrame, '› staging');
	await press(app, 'd');
	await waitForText(app.lastFrame, 'Type staging to confirm');
	await type(app, 'stagin');
	await press(app, keys.enter);
	await waitForText(app.lastFrame, 'type "staging" exactly');
	t.is(await project.db('staging').collection('cats').countDocuments(), 1);
	await press(app, keys.escape);
	await waitForText(app.lastFrame, /stopped[\s\S]*Cancelled: Drop database/);
	t.is(await project.db('staging').collection('cats').countDocuments(), 1);
	await press(app, keys.escape);
	await waitForText(app.lastFrame, '› staging');

	await press(app, 'd');
	await waitForText(app.lastFrame, 'Type staging to confirm');
	await type(app, 'staging');
	await press(app, keys.enter);
	const dropped = await waitForText(app.lastFrame, /Dropped \S+ on staging/);
	t.regex(dropped, /\$ monarch drop_db staging --yes\n/);
	t.is(await project.db('staging').collection('cats').countDocuments(), 0);
});

/** Five dogs, one a step; after the first it waits at `latch`, so a test sees (and acts on) the job while it runs. */
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
const broken = migrationSource('Broken', "\t\tthrow new Error('campaigns is locked');");
const cats = migrationSource('Cats', "\t\tawait this.database.collection('cats').insertOne({name: 'tom'});");

test.serial('migrations panel: open from an environment, run the pending ones live, see a failure and its stack', async t => {
	const latch = createLatch(t);
	const project = await createProject(t, {
		migrations: {'20260101000000_add_dogs.ts': latchedDogs(latch), '20260102000000_broken.ts': broken},
	});
	const app = await openApp(t, project);
	await waitForText(app.lastFrame, /› development .* up/);
	await press(app, keys.enter);
	let frame = await waitForText(app.lastFrame, '2 migrations, 2 pending');
	t.regex(frame, /environment ◂ development ▸/);
	t.regex(frame, /› New\s+20260101000000_add_dogs\s+-\s+-/);

	await press(app, 'm');
	frame = await waitForText(app.lastFrame, /20260101000000_add_dogs │ dog \d/);
	t.regex(frame, /Migrate development running/);
	t.regex(frame, /▶ 20260101000000_add_dogs/);
	await latch.open();
	frame = await waitForText(app.lastFrame, 'Failed: Migrate development');
	t.regex(frame, /Migration 20260102000000_broken failed on development: campaigns is locked/);
	t.regex(frame, /What to do: fix it/);
	await press(app, keys.escape);
	frame = await waitForText(app.lastFrame, 'Migrate development failed');
	t.regex(frame, /✔ 20260101000000_add_dogs \((?:\d+ ms|[\d.]+ s)\)/);
	t.regex(frame, /dog 5/);
	t.regex(frame, /20260101000000_add_dogs\s+█+\s+100% 5\/5 docs/);
	t.is(await project.db().collection('dogs').countDocuments(), 5);
	const history = await project.db().collection('monarch_migrations').find().sort({_id: 1}).toArray();
	t.deepEqual(
		history.map(entry => [entry._id, entry.state]),
		[
			['20260101000000_add_dogs', 'Completed'],
			['20260102000000_broken', 'Failed'],
		],
	);

	await press(app, keys.escape);
	frame = await waitForText(app.lastFrame, '2 migrations, 1 pending');
	t.regex(frame, /Completed\s+20260101000000_add_dogs\s+\d\d-\d\d \d\d:\d\d\s+(?:\d+ ms|[\d.]+ s)/);
	await press(app, 'j');
	await waitForText(app.lastFrame, /› Failed\s+20260102000000_broken/);
	await press(app, keys.enter);
	frame = await waitForText(app.lastFrame, 'error       campaigns is locked');
	t.regex(frame, /Error: campaigns is locked/);
	t.regex(frame, /at Broken\.run/);
	await press(app, keys.escape);
	await waitForText(app.lastFrame, '2 migrations, 1 pending');

	await press(app, 'o');
	await waitForText(app.lastFrame, 'Run 20260102000000_broken on development whatever its state (Failed)?');
	await press(app, 'y');
	await waitForText(app.lastFrame, 'Failed: Run 20260102000000_broken on development');
	await press(app, keys.escape);
	frame = await waitForText(app.lastFrame, 'Run 20260102000000_broken on development failed');
	t.regex(frame, /\$ monarch migrate_one 20260102000000_broken development\n/);
});

test.serial('migrations panel: drift and orphan marks, the matrix, a new migration from the name form', async t => {
	const project = await createProject(t, {
		environments: {staging: {uri: testMongoUri(), database: freshDatabase()}},
		migrations: {'20260101000000_cats.ts': cats},
	});
	const history = project.db().collection('monarch_migrations');
	await history.insertMany([
		{
			_id: '20260101000000_cats',
			name: 'Cats',
			state: 'Completed',
			startedAt: someTime,
			finishedAt: someTime,
			durationMs: 3,
			checksum: 'old',
			ranBy: {host: 'h', user: 'u', pid: 1},
			monarchVersion: '0',
		},
		{
			_id: '20251231000000_gone',
			name: 'Gone',
			state: 'Completed',
			startedAt: someTime,
			finishedAt: someTime,
			durationMs: 3,
			checksum: 'x',
			ranBy: {host: 'h', user: 'u', pid: 1},
			monarchVersion: '0',
		},
	] as never);
	const app = await openApp(t, project);
	await press(app, '2');
	let frame = await waitForText(app.lastFrame, '1 migration, 0 pending, 1 file gone');
	t.regex(frame, /Completed\s+20260101000000_cats\s+.*changed/);
	t.regex(frame, /Completed\s+20251231000000_gone\s+.*file gone/);

	await press(app, 'x');
	frame = await waitForText(app.lastFrame, '✔ completed');
	t.regex(frame, /development\s+staging/);
	t.regex(frame, /20251231000000_gone\s+✔\n/);
	t.regex(frame, /20260101000000_cats\s+✔\s+·/);
	await press(app, 'x');

	await press(app, 'g');
	await waitForText(app.lastFrame, 'Name of the new migration');
	await type(app, 'add owners');
	await press(app, keys.enter);
	frame = await waitForText(app.lastFrame, /Wrote migrations\/\d{14}_add_owners\.ts/);
	await waitForText(app.lastFrame, '2 migrations, 1 pending');
	const files = await readdir(path.join(project.dir, 'migrations'));
	t.true(files.some(file => /^\d{14}_add_owners\.ts$/.test(file)));
	t.true(existsSync(path.join(project.dir, 'migrations', '20260101000000_cats.ts')));

	// Keys typed faster than the app reads them arrive together: each one counts.
	app.stdin.write('jj');
	frame = await waitForText(app.lastFrame, /› Completed\s+20251231000000_gone/);
	t.regex(frame, / {2}New\s+\d{14}_add_owners/);
});

test.serial('a running job: c cancels after the current migration (asks first), ctrl+c asks before quitting', async t => {
	const latch = createLatch(t);
	const project = await createProject(t, {migrations: {'20260101000000_add_dogs.ts': latchedDogs(latch), '20260102000000_cats.ts': cats}});
	const app = await openApp(t, project);
	await press(app, '2');
	await waitForText(app.lastFrame, '2 migrations, 2 pending');
	await press(app, 'm');
	// The first migration waits at the latch after its first dog: the job is running whatever the machine's speed.
	await waitForText(app.lastFrame, /add_dogs │ dog 1/);
	await press(app, keys.ctrlC);
	await waitForText(app.lastFrame, 'A job is running. Cancel it and quit?');
	await press(app, 'n');
	await waitForText(app.lastFrame, 'c cancel');
	await press(app, 'c');
	await waitForText(app.lastFrame, 'Cancel the running job?');
	await press(app, 'y');
	await waitForText(app.lastFrame, 'Migrate development cancelling');
	await latch.open();
	const frame = await waitForText(app.lastFrame, 'Migrate development stopped');
	t.regex(frame, /Cancelling: the current step finishes first/);
	t.regex(frame, /✔ 20260101000000_add_dogs/);
	t.regex(frame, /Cancelled the migrations on development before 20260102000000_cats/);
	t.is(await project.db().collection('dogs').countDocuments(), 5);
	t.is(await project.db().collection('cats').countDocuments(), 0);
	t.is(
		await project
			.db()
			.collection('monarch_migrations')
			.countDocuments({_id: '20260102000000_cats' as never}),
		0,
	);
});
