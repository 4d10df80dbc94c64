/** @jsxRuntime automatic */
/** @jsxImportSource react */
import test from 'ava';
import {allStrings, key, scrubProject} from '../scrub/helpers.js';
import {openApp} from './helpers/app.js';
import {keys, press, type, waitForText} from './helpers/ink.js';

process.env.MONARCH_CONNECT_TIMEOUT_MS = '2000';
process.env.MONARCH_SCRUB_KEY = key.MONARCH_SCRUB_KEY;

test.serial("the copy form asks whether to scrub production's personal data, scrubs by default, and its CLI line says --scrub", async t => {
	const {project, originals} = await scrubProject(t);
	const app = await openApp(t, project);
	await waitForText(app.lastFrame, /› development .* up/);

	await press(app, ':');
	await waitForText(app.lastFrame, 'tab complete');
	await type(app, 'copy_db production:development');
	await press(app, keys.enter);
	let frame = await waitForText(app.lastFrame, 'The copy of production holds personal data and development is not protected: scrub it?');
	t.regex(frame, /❯ scrub personal data \(the rules of monarch\.json\)/);
	t.regex(frame, /load it as it is \(--no-scrub\)/);
	await press(app, keys.enter);
	await waitForText(app.lastFrame, /replacing[\s│]+its data\?/);
	await press(app, 'y');
	// The audit it offers after a scrubbed copy is test/tui/privacy.test.tsx's.
	await waitForText(app.lastFrame, 'Audit the copy now?');
	await press(app, 'n');
	frame = await waitForText(app.lastFrame, /loaded {6}4 collections, 471 documents/);
	await press(app, keys.escape);
	frame = await waitForText(app.lastFrame, 'done');
	t.regex(frame, /\$ monarch copy_db production:development --scrub --yes\n/);
	const strings = await allStrings(project, 'development');
	for (const original of [...originals.emails, ...originals.names, ...originals.phones]) t.false(strings.has(original), original);
	t.is(await project.db('development').collection('accounts').countDocuments(), 300);
});

test.serial(
	'the copy form can load personal data as it is, which the CLI line says with --no-scrub; a backup is faithful unless scrubbing is chosen',
	async t => {
		const {project} = await scrubProject(t);
		const app = await openApp(t, project);
		await waitForText(app.lastFrame, /› development .* up/);

		await press(app, ':');
		await waitForText(app.lastFrame, 'tab complete');
		await type(app, 'copy_db production:scratch');
		await press(app, keys.enter);
		await waitForText(app.lastFrame, 'scrub it?');
		await press(app, keys.down);
		await waitForText(app.lastFrame, '❯ load it as it is (--no-scrub)');
		await press(app, keys.enter);
		await waitForText(app.lastFrame, /replacing[\s│]+its data\?/);
		await press(app, 'y');
		await waitForText(app.lastFrame, /loaded {6}4 collections/);
		await press(app, keys.escape);
		let frame = await waitForText(app.lastFrame, 'done');
		t.regex(frame, /\$ monarch copy_db production:scratch --no-scrub --yes\n/);
		t.is(
			(
				await project
					.db('scratch')
					.collection('accounts')
					.findOne({_id: 0} as Record<string, unknown>)
			)?.email,
			'customer0@shop.example',
		);
		await press(app, keys.escape);
		await waitForText(app.lastFrame, 'enter/m migrations');

		await press(app, ':');
		await waitForText(app.lastFrame, 'tab complete');
		await type(app, 'backup production');
		await press(app, keys.enter);
		await waitForText(app.lastFrame, 'Scrub personal data in this backup of production (faithful otherwise)?');
		await press(app, 'y');
		frame = await waitForText(app.lastFrame, /Back up production done/);
		t.regex(frame, /\$ monarch backup production --scrub\n/);
		await press(app, keys.escape);
		await waitForText(app.lastFrame, 'enter/m migrations');
		await press(app, '3');
		frame = await waitForText(app.lastFrame, /_prod__\d{4}_\d\d_\d\d .* scrubbed/);
		t.regex(frame, /scrubbed with rules [0-9a-f]{16}: accounts \(email, name, phone, address\.street, tax_id\)/);
	},
);
