/** @jsxRuntime automatic */
/** @jsxImportSource react */
import test from 'ava';
import {osc52} from '../../source/tui/clipboard.js';
import type {Loose} from '../helpers/backup-data.js';
import {createProject, migrationSource} from '../helpers/project.js';
import {openApp} from './helpers/app.js';
import {type KeyTarget, keys, press, type, waitForFrame, waitForText} from './helpers/ink.js';

process.env.MONARCH_CONNECT_TIMEOUT_MS = '2000';

/**
 * Presses tab until the line shows `text`: the palette reads the backup
 * catalogue in the background when it opens, and a tab before it is there
 * says so.
 */
async function tabUntil(app: KeyTarget, text: string): Promise<string> {
	for (;;) {
		await press(app, keys.tab);
		const frame = await waitForFrame(
			app.lastFrame,
			shown => shown.includes(text) || shown.includes('the backups are still being read'),
			text,
		);
		if (frame.includes(text)) return frame;
	}
}

const cats = migrationSource('Cats', "\t\tawait this.database.collection('cats').insertOne({name: 'tom'});");

test.serial(
	': runs migrate development as the m key does; the finished job shows its CLI line, y copies it (OSC 52) and shows it alone',
	async t => {
		const project = await createProject(t, {migrations: {'20260101000000_cats.ts': cats}});
		const app = await openApp(t, project);
		await waitForText(app.lastFrame, /› development .* up/);

		await press(app, ':');
		let frame = await waitForText(app.lastFrame, 'tab complete');
		t.regex(frame, /migrate <env> · migrate_one <key> <env> · backup <env>/);
		await type(app, 'migrate prod');
		await press(app, keys.enter);
		frame = await waitForText(app.lastFrame, '✘ unknown environment "prod": known environments are development');
		t.regex(frame, /:migrate prod/);
		t.is(await project.db().collection('monarch_migrations').countDocuments(), 0, 'nothing ran');
		await press(app, keys.escape);
		await waitForFrame(
			app.lastFrame,
			shown => !shown.includes('tab complete') && shown.includes('enter/m migrations'),
			'the palette to close',
		);

		await press(app, ':');
		await waitForText(app.lastFrame, 'tab complete');
		await type(app, 'migrate d');
		await press(app, keys.tab);
		await waitForText(app.lastFrame, /:migrate development$/m);
		await press(app, keys.enter);
		frame = await waitForText(app.lastFrame, 'Migrate development done');
		t.regex(frame, /\$ monarch migrate development\n/);
		t.regex(frame, /■ Ran 1 migration on development/);
		t.regex(frame, /y copy command {2}esc\/enter\/q close/);
		t.is(await project.db().collection('cats').countDocuments(), 1);

		// Not a terminal: nothing is sent, the line is shown to select.
		const written = () => app.stdout.frames.filter(chunk => chunk.includes('\u001B]52;')).length;
		await press(app, 'y');
		frame = await waitForText(app.lastFrame, 'The CLI line of "Migrate development"');
		t.regex(frame, /^monarch migrate development$/m);
		t.regex(frame, /not a terminal: nothing was sent to the clipboard/);
		t.is(written(), 0);
		await press(app, keys.escape);
		await waitForText(app.lastFrame, 'Migrate development done');

		// A terminal: the OSC 52 sequence goes to it, the toast says so, the line is shown too.
		Object.assign(app.stdout, {isTTY: true});
		await press(app, 'y');
		frame = await waitForText(app.lastFrame, 'Copied the CLI line to the clipboard (if your terminal allows OSC 52)');
		t.regex(frame, /^monarch migrate development$/m);
		t.regex(frame, /Sent to your clipboard \(OSC 52\)/);
		t.deepEqual(
			app.stdout.frames.filter(chunk => chunk.includes('\u001B]52;')),
			[osc52('monarch migrate development')],
		);
		t.true(osc52('monarch migrate development').endsWith(`;${Buffer.from('monarch migrate development').toString('base64')}\u0007`));
		await press(app, keys.escape);
		await waitForText(app.lastFrame, 'Migrate development done');
		await press(app, keys.escape);
		await waitForText(app.lastFrame, 'enter/m migrations');

		// ↑ brings back the command of this session.
		await press(app, ':');
		await waitForText(app.lastFrame, 'tab complete');
		await press(app, keys.up);
		await waitForText(app.lastFrame, ':migrate development');
		await press(app, keys.escape);
		await waitForFrame(app.lastFrame, shown => !shown.includes('tab complete'), 'the palette to close');
	},
);

test.serial(": restore completes the backup and environment names from the catalogue and runs the Backups panel's restore", async t => {
	const project = await createProject(t, {config: {backups: {local: {dir: 'backups'}}}});
	const dogs = project.db().collection<Loose>('dogs');
	await dogs.insertOne({_id: 1, name: 'rex'});
	t.is((await project.monarch(['backup', 'development', '--name', 'one'], {env: {MONARCH_NOW: '2026-03-01T09:30:00Z'}})).code, 0);
	await dogs.insertOne({_id: 2, name: 'fido'});
	const app = await openApp(t, project);
	await waitForText(app.lastFrame, /› development .* up/);

	await press(app, ':');
	await waitForText(app.lastFrame, 'tab complete');
	await type(app, 'rest');
	await press(app, keys.tab);
	await waitForText(app.lastFrame, /:restore$/m);
	await tabUntil(app, ':restore one__2026_03_01:');
	await type(app, 'dev');
	await press(app, keys.tab);
	await waitForText(app.lastFrame, /:restore one__2026_03_01:development$/m);
	await press(app, keys.enter);
	await waitForText(app.lastFrame, 'replacing its data?');
	await press(app, 'y');
	let frame = await waitForText(app.lastFrame, 'Restored one__2026_03_01 into development');
	await press(app, keys.escape);
	frame = await waitForText(app.lastFrame, 'Restore one__2026_03_01 done');
	t.regex(frame, /\$ monarch restore one__2026_03_01:development --yes/);
	t.deepEqual(
		(await dogs.find().toArray()).map(dog => dog.name),
		['rex'],
	);
});
