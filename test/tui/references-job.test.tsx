/** @jsxRuntime automatic */
/** @jsxImportSource react */
import test from 'ava';
import {createProject} from '../helpers/project.js';
import {seedReferenceGraph} from '../helpers/reference-graph.js';
import {openApp} from './helpers/app.js';
import {keys, press, type, waitForText} from './helpers/ink.js';

process.env.MONARCH_CONNECT_TIMEOUT_MS = '2000';

test(':references suggest <env> runs read-only as a job and shows what it proposes in a message, again on v', async t => {
	const project = await createProject(t);
	await seedReferenceGraph(project.db());
	const app = await openApp(t, project);
	await waitForText(app.lastFrame, /› development .* up/);

	await press(app, ':');
	await waitForText(app.lastFrame, 'tab complete');
	await type(app, 'references s');
	await press(app, keys.tab);
	await waitForText(app.lastFrame, /:references suggest\s*$/m);
	await type(app, 'development');
	await press(app, keys.enter);
	let frame = await waitForText(app.lastFrame, 'References in development');
	t.regex(frame, /Proposed:/);
	t.regex(frame, /accounts\.owner → users\._id: 95% of 20 values found \(ObjectIds found only in users\._id\)/);
	t.regex(frame, /campaigns\.account_id → accounts\._id: 100% of 20 values found \(named like accounts\)/);

	await press(app, keys.escape);
	frame = await waitForText(app.lastFrame, 'Suggest references in development done');
	t.regex(frame, /\$ monarch references suggest development\n/);
	t.regex(frame, /■ 9 references proposed in development \(9 new;/);
	await press(app, 'v');
	await waitForText(app.lastFrame, 'References in development');
	t.deepEqual(
		await project
			.db()
			.listCollections({}, {nameOnly: true})
			.toArray()
			.then(list => list.length),
		12,
		'nothing added',
	);
});
