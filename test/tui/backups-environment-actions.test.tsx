/** @jsxRuntime automatic */
/** @jsxImportSource react */
import {readdir} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import type {Loose} from '../helpers/backup-data.js';
import {createProject, testMongoUri} from '../helpers/project.js';
import {openApp} from './helpers/app.js';
import {keys, press, type, waitForText} from './helpers/ink.js';

process.env.MONARCH_CONNECT_TIMEOUT_MS = '2000';

test.serial('environments panel: b backs the environment up, y copies it into a protected one once its name is typed', async t => {
	const project = await createProject(t, {
		environments: {staging: {uri: testMongoUri(), database: `t_${Math.random().toString(16).slice(2, 10)}_stg`, protected: true}},
		config: {backups: {local: {dir: 'backups'}}},
	});
	await project
		.db()
		.collection<Loose>('dogs')
		.insertMany([
			{_id: 1, name: 'rex'},
			{_id: 2, name: 'fido'},
		]);
	await project.db('staging').collection<Loose>('cats').insertOne({_id: 1, name: 'tom'});
	const app = await openApp(t, project);
	let frame = await waitForText(app.lastFrame, /› development .* up/);
	t.regex(frame, /b back up {2}y copy to/);

	await press(app, 'b');
	frame = await waitForText(app.lastFrame, /Backed up development: 1 collection, 2 documents, [\d.]+ \w*B in t_\w+_dev__\d{4}_\d\d_\d\d/);
	t.regex(frame, /Back up development done/);
	t.regex(frame, /\$ monarch backup development\n/);
	const files = await readdir(path.join(project.dir, 'backups'));
	t.true(
		files.some(file => /^t_\w+_dev__\d{4}_\d\d_\d\d\.archive\.gz\.manifest\.json$/.test(file)),
		files.join(', '),
	);
	await press(app, keys.escape);
	await waitForText(app.lastFrame, /› development .* up/);

	await press(app, 'y');
	frame = await waitForText(app.lastFrame, 'Copy development into which environment?');
	t.regex(frame, /❯ staging/);
	t.false(/❯ development| {2}development {2}\(/.test(frame.split('Copy development into')[1] ?? ''));
	await press(app, keys.enter);
	await waitForText(app.lastFrame, 'Type staging to confirm');
	t.deepEqual(await project.db('staging').collection('cats').countDocuments(), 1);
	await type(app, 'staging');
	await press(app, keys.enter);
	frame = await waitForText(app.lastFrame, /loaded {6}1 collection, 2 documents/);
	t.regex(frame, /Copied development into staging/);
	t.regex(frame, /safety {6}backups\/t_\w+_stg_before_copy__\d{4}_\d\d_\d\d\.archive\.gz/);
	t.regex(frame, /dropped {5}cats \(not in the source\)/);
	t.deepEqual(
		(await project.db('staging').collection<Loose>('dogs').find().sort({_id: 1}).toArray()).map(dog => dog.name),
		['rex', 'fido'],
	);
	t.is(await project.db('staging').collection('cats').countDocuments(), 0);
	t.true(
		(await readdir(path.join(project.dir, 'backups'))).some(file =>
			/_stg_before_copy__\d{4}_\d\d_\d\d\.archive\.gz\.manifest\.json$/.test(file),
		),
	);
	await press(app, keys.escape);
	frame = await waitForText(app.lastFrame, /Copy development done/);
	t.regex(frame, /■ Copied development into staging: 1 collection, 2 documents/);
	t.regex(frame, /\$ monarch copy_db development:staging --yes\n/);
	await press(app, keys.escape);
	await waitForText(app.lastFrame, /› development .* up/);
});
