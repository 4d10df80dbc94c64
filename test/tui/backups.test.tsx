/** @jsxRuntime automatic */
/** @jsxImportSource react */
import {existsSync} from 'node:fs';
import {readdir, utimes, writeFile} from 'node:fs/promises';
import path from 'node:path';
import test, {type ExecutionContext} from 'ava';
import type {Loose} from '../helpers/backup-data.js';
import {createProject, type Project, testMongoUri} from '../helpers/project.js';
import {openApp} from './helpers/app.js';
import {keys, press, type, waitForText} from './helpers/ink.js';

process.env.MONARCH_CONNECT_TIMEOUT_MS = '2000';

/** A project with a local backups folder and a protected staging environment. */
async function backupProject(t: ExecutionContext) {
	return createProject(t, {
		environments: {staging: {uri: testMongoUri(), database: `t_${Math.random().toString(16).slice(2, 10)}_stg`, protected: true}},
		config: {backups: {local: {dir: 'backups'}}},
	});
}

async function names(db: ReturnType<Project['db']>, collection: string): Promise<string[]> {
	return (await db.collection<Loose>(collection).find().sort({_id: 1}).toArray()).map(document => String(document.name));
}

async function backupFiles(project: Project): Promise<string[]> {
	const dir = path.join(project.dir, 'backups');
	return existsSync(dir) ? (await readdir(dir)).filter(name => !name.startsWith('.')).sort() : [];
}

test.serial('backups panel: the list newest first; a backup picked with the arrow keys is restored into development', async t => {
	const project = await backupProject(t);
	const dev = project.db();
	await dev.collection<Loose>('dogs').insertOne({_id: 1, name: 'rex'});
	// Fixed times (MONARCH_NOW) for the backups and for the app's today: the list's dates never depend on the day the test runs.
	t.is((await project.monarch(['backup', 'development', '--name', 'one'], {env: {MONARCH_NOW: '2026-03-01T09:30:00Z'}})).code, 0);
	await dev.collection<Loose>('dogs').insertOne({_id: 2, name: 'fido'});
	await dev.collection<Loose>('owners').insertOne({_id: 1, name: 'ann'});
	t.is((await project.monarch(['backup', 'development', '--name', 'two'], {env: {MONARCH_NOW: '2026-03-01T09:40:00Z'}})).code, 0);
	// An interrupted backup: an archive without its manifest.
	const broken = path.join(project.dir, 'backups', 'broken__2026_01_01.archive.gz');
	await writeFile(broken, 'partial');
	await utimes(broken, new Date('2026-01-01T10:00:00Z'), new Date('2026-01-01T10:00:00Z'));
	await dev.collection<Loose>('dogs').deleteMany({});
	await dev.collection<Loose>('cats').insertOne({_id: 1, name: 'tom'});

	const app = await openApp(t, project, {now: new Date('2026-03-02T12:00:00Z')});
	await press(app, '3');
	let frame = await waitForText(app.lastFrame, '3 backups');
	t.regex(frame, /› two__\d{4}_\d\d_\d\d\s+[\d.]+ \w*B\s+development\s+\d\d-\d\d \d\d:\d\d\s+-\s+complete/);
	t.regex(frame, /one__\d{4}_\d\d_\d\d\s+[\d.]+ \w*B\s+development\s+.*complete/);
	t.regex(frame, /broken__2026_01_01\s+\d+ B\s+\?\s+.*incomplete/);
	t.true(frame.indexOf('two__') < frame.indexOf('one__'));
	t.regex(frame, /development \(database t_\w+_dev\), .*: 2 collections, 3 documents/);
	t.regex(frame, /enter restore {2}n new backup/);

	// The incomplete one cannot be restored.
	await press(app, keys.down);
	await waitForText(app.lastFrame, '› one__');
	await press(app, keys.down);
	frame = await waitForText(app.lastFrame, '› broken__2026_01_01');
	t.regex(frame, /incomplete: no manifest/);
	await press(app, keys.enter);
	await waitForText(app.lastFrame, /Cannot restore broken__2026_01_01: incomplete \(no manifest/);

	await press(app, keys.up);
	await waitForText(app.lastFrame, /› one__/);
	await press(app, keys.enter);
	await waitForText(app.lastFrame, /Restore one__\S+ \(from development\) into which environment\?/);
	frame = await waitForText(app.lastFrame, /staging\s+\(t_\w+_stg, protected\)/);
	t.regex(frame, /❯ development/);
	await press(app, keys.enter);
	frame = await waitForText(app.lastFrame, 'replacing its data?');
	t.regex(frame, /Restore backup one__\S+ of development \(database t_\w+_dev,/);
	t.deepEqual(await names(dev, 'cats'), ['tom']);
	await press(app, 'y');
	frame = await waitForText(app.lastFrame, /loaded {6}1 collection, 1 document/);
	t.regex(frame, /Restored one__\S+ into development/);
	t.regex(frame, /from {8}backups\/one__\d{4}_\d\d_\d\d\.archive\.gz/);
	t.regex(frame, /dogs {7}1/);
	t.regex(frame, /dropped {5}(cats, owners|owners, cats) \(not in the source\)/);
	await press(app, keys.escape);
	frame = await waitForText(app.lastFrame, /■ Restored one__\S+ into development: 1 collection, 1 document/);
	t.regex(frame, /Restore one__\S+ done/);
	t.regex(frame, /\$ monarch restore one__\d{4}_\d\d_\d\d:development --yes\n/);
	t.regex(frame, /Verified: 1 collection, 1 document/);
	t.regex(frame, /restore development: dogs\s+█+\s+100% 1\/1 docs/);
	t.deepEqual(await names(dev, 'dogs'), ['rex']);
	t.deepEqual(
		(await dev.listCollections().toArray())
			.map(collection => collection.name)
			.filter(name => !name.startsWith('monarch_'))
			.sort(),
		['dogs'],
	);
	await press(app, keys.escape);
	t.regex(await waitForText(app.lastFrame, '3 backups'), /3 backups/);
});

test.serial('backups panel: a restore into a protected environment waits for its typed name, then takes a safety backup', async t => {
	const project = await backupProject(t);
	await project
		.db()
		.collection<Loose>('dogs')
		.insertMany([
			{_id: 1, name: 'rex'},
			{_id: 2, name: 'fido'},
		]);
	t.is((await project.monarch(['backup', 'development', '--name', 'dev'])).code, 0);
	const staging = project.db('staging');
	await staging.collection<Loose>('cats').insertOne({_id: 1, name: 'tom'});

	const app = await openApp(t, project);
	await press(app, '3');
	await waitForText(app.lastFrame, '› dev__');
	await press(app, keys.enter);
	await waitForText(app.lastFrame, 'into which environment?');
	await press(app, keys.down);
	await waitForText(app.lastFrame, /❯ staging/);
	await press(app, keys.enter);
	await waitForText(app.lastFrame, 'Type staging to confirm');
	await type(app, 'stagin');
	await press(app, keys.enter);
	await waitForText(app.lastFrame, 'type "staging" exactly');
	t.deepEqual(await names(staging, 'cats'), ['tom']);
	t.is(await staging.collection('dogs').countDocuments(), 0);
	await press(app, keys.escape);
	await waitForText(app.lastFrame, /Restore dev__\S+ stopped/);
	t.deepEqual(await names(staging, 'cats'), ['tom']);
	t.is((await backupFiles(project)).length, 2);
	await press(app, keys.escape);
	await waitForText(app.lastFrame, '› dev__');

	await press(app, keys.enter);
	await waitForText(app.lastFrame, 'into which environment?');
	await press(app, keys.down);
	await waitForText(app.lastFrame, /❯ staging/);
	await press(app, keys.enter);
	await waitForText(app.lastFrame, 'Type staging to confirm');
	await type(app, 'staging');
	await press(app, keys.enter);
	let frame = await waitForText(app.lastFrame, /loaded {6}1 collection, 2 documents/);
	t.regex(frame, /Restored dev__\S+ into staging/);
	t.regex(frame, /safety {6}backups\/t_\w+_stg_before_restore__\d{4}_\d\d_\d\d\.archive\.gz/);
	await press(app, keys.escape);
	frame = await waitForText(app.lastFrame, /Restore dev__\S+ done/);
	t.regex(frame, /■ Restored dev__\S+ into staging: 1 collection, 2 documents \(safety backup/);
	t.regex(frame, /\$ monarch restore dev__\d{4}_\d\d_\d\d:staging --yes\n/);
	t.regex(frame, /Safety backup of staging: backups\/t_\w+_stg_before_restore__\d{4}_\d\d_\d\d\.archive\.gz/);
	t.deepEqual(await names(staging, 'dogs'), ['rex', 'fido']);
	t.is(await staging.collection('cats').countDocuments(), 0);
	const files = await backupFiles(project);
	t.true(
		files.some(file => /_stg_before_restore__\d{4}_\d\d_\d\d\.archive\.gz\.manifest\.json$/.test(file)),
		files.join(', '),
	);
	await press(app, keys.escape);
	await waitForText(app.lastFrame, '2 backups');
});

test.serial('backups panel: n takes a new backup with a name; / filters; an unreachable S3 is a warning, not a failure', async t => {
	const project = await createProject(t, {
		config: {
			backups: {
				local: {dir: 'backups'},
				s3: {
					bucket: 'nowhere',
					region: 'us-east-1',
					endpoint: 'http://127.0.0.1:1',
					accessKeyId: 'x',
					secretAccessKey: 'hunter2',
					forcePathStyle: true,
				},
			},
		},
	});
	await project
		.db()
		.collection<Loose>('dogs')
		.insertMany([
			{_id: 1, name: 'rex'},
			{_id: 2, name: 'fido'},
			{_id: 3, name: 'max'},
		]);
	const app = await openApp(t, project);
	await press(app, '3');
	let frame = await waitForText(app.lastFrame, 'no backups yet', 90_000);
	t.regex(frame, /! s3:\/\/nowhere\/\S*: not listed/);
	t.false(frame.includes('hunter2'));

	await press(app, 'n');
	await waitForText(app.lastFrame, 'Back up which environment?');
	await press(app, keys.enter);
	await waitForText(app.lastFrame, 'Name of the backup');
	for (const _ of project.databases.development!) await press(app, keys.backspace);
	await type(app, 'bad/name');
	await press(app, keys.enter);
	await waitForText(app.lastFrame, /must not contain "\/"/);
	await press(app, keys.backspace);
	await press(app, keys.backspace);
	await press(app, keys.backspace);
	await press(app, keys.backspace);
	await press(app, keys.backspace);
	await type(app, '_launch');
	await press(app, keys.enter);
	await waitForText(app.lastFrame, 'Write the backup to which store?');
	await press(app, keys.enter);
	frame = await waitForText(
		app.lastFrame,
		/Backed up development: 1 collection, 3 documents, [\d.]+ \w*B in bad_launch__\d{4}_\d\d_\d\d/,
		90_000,
	);
	// The name and the store picked in the forms are in the CLI line.
	t.regex(frame, /\$ monarch backup development --name bad_launch --to local\n/);
	const files = await backupFiles(project);
	t.true(
		files.some(file => /^bad_launch__\d{4}_\d\d_\d\d\.archive\.gz\.manifest\.json$/.test(file)),
		files.join(', '),
	);
	await press(app, keys.escape);
	frame = await waitForText(app.lastFrame, /› bad_launch__/, 90_000);
	t.regex(frame, /1 backup/);

	await press(app, '/');
	await waitForText(app.lastFrame, 'enter keep filter');
	await type(app, 'zzz');
	await press(app, keys.enter);
	frame = await waitForText(app.lastFrame, 'no backup matches "zzz"');
	await press(app, keys.escape);
	t.regex(await waitForText(app.lastFrame, /› bad_launch__/), /› bad_launch__/);
});
