/** @jsxRuntime automatic */
/** @jsxImportSource react */
import {readdir, readFile} from 'node:fs/promises';
import path from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {allStrings, key, scrubProject} from '../scrub/helpers.js';
import {openApp} from './helpers/app.js';
import {addGoldAccountsQuerySet} from './helpers/gold-accounts.js';
import {keys, press, waitForText} from './helpers/ink.js';

process.env.MONARCH_CONNECT_TIMEOUT_MS = '2000';
process.env.MONARCH_SCRUB_KEY = key.MONARCH_SCRUB_KEY;

/** The scrub project with GoldAccountsQuerySet, opened on the QuerySets panel with it selected. */
async function openGoldAccounts(t: ExecutionContext) {
	const {project, originals} = await scrubProject(t);
	await addGoldAccountsQuerySet(project);
	const app = await openApp(t, project);
	await waitForText(app.lastFrame, /› development .* up/);
	await press(app, '4');
	await waitForText(app.lastFrame, /› GoldAccountsQuerySet\s+plan\s+querysets\/gold-accounts\.ts/);
	return {project, originals, app};
}

/** A filter on _id, whatever its type (the driver types _id as an ObjectId). */
function byId(id: number | string): Record<string, unknown> {
	return {_id: id};
}

type App = Awaited<ReturnType<typeof openGoldAccounts>>['app'];

/** Enter on the QuerySet, then copy from production into `target` (the second choice of the list after production: development is the first). */
async function copyFromProduction(t: ExecutionContext, app: App, target: 'development' | 'scratch') {
	await press(app, keys.enter);
	await waitForText(app.lastFrame, 'Run GoldAccountsQuerySet into…');
	await press(app, keys.down);
	await waitForText(app.lastFrame, '❯ copy what it picks');
	await press(app, keys.enter);
	await waitForText(app.lastFrame, /Copy what GoldAccountsQuerySet picks from which environment\?[\s\S]*❯ development/);
	await press(app, keys.down);
	await waitForText(app.lastFrame, '❯ production');
	await press(app, keys.enter);
	await waitForText(app.lastFrame, /Copy what GoldAccountsQuerySet picks from production into which environment\?[\s\S]*❯ development/);
	if (target === 'scratch') {
		await press(app, keys.down);
		await waitForText(app.lastFrame, '❯ scratch');
	}

	await press(app, keys.enter);
	const frame = await waitForText(app.lastFrame, `The copy of production holds personal data and ${target} is not protected: scrub it?`);
	t.regex(frame, /❯ scrub personal data \(the rules of monarch\.json\)/);
	t.regex(frame, /load it as it is \(--no-scrub\)/);
}

/** Answers the QuerySet's question (its default, gold), confirms (a scrubbed copy: declines the audit it offers), and waits for the result; returns the finished job's frame. */
async function answerAndConfirm(t: ExecutionContext, app: App, scrubbed: boolean): Promise<string> {
	await waitForText(app.lastFrame, 'Accounts of which plan?');
	await press(app, keys.enter);
	await waitForText(app.lastFrame, /replacing[\s│]+its data\?/);
	await press(app, 'y');
	if (scrubbed) {
		await waitForText(app.lastFrame, 'Audit the copy now?');
		await press(app, 'n');
	}

	const result = await waitForText(app.lastFrame, /loaded {6}2 collections, 210 documents/);
	t.regex(result, /Copied production \(GoldAccountsQuerySet\) into/);
	await press(app, keys.escape);
	return waitForText(app.lastFrame, 'Copy QuerySet GoldAccountsQuerySet done');
}

test.serial(
	"the QuerySets panel's copy from production asks whether to scrub; scrub (the default) copies what the QuerySet picks with no personal data",
	async t => {
		const {project, originals, app} = await openGoldAccounts(t);
		await copyFromProduction(t, app, 'development');
		// Scrub is the default: enter takes it.
		await press(app, keys.enter);
		const frame = await answerAndConfirm(t, app, true);
		t.regex(frame, /\$ monarch copy_db production:development -q GoldAccountsQuerySet --param plan=gold --scrub --yes\n/);

		const development = project.db('development');
		t.is(await development.collection('accounts').countDocuments(), 150);
		t.is(await development.collection('campaigns').countDocuments(), 60);
		const strings = await allStrings(project, 'development');
		for (const original of [...originals.emails, ...originals.names, ...originals.phones, ...originals.streets])
			t.false(strings.has(original), original);
		// What the rules do not name is copied as it is.
		const account = await development.collection('accounts').findOne(byId(1));
		t.like(account, {plan: 'gold', address: {city: 'Paris'}});
		t.regex(String(account?.email), /@/);
		t.is((await development.collection('campaigns').findOne(byId('c1')))?.notes, undefined);
	},
);

test.serial(
	"the QuerySets panel's copy from production can load it as it is (--no-scrub); its backup offers scrubbing and the backup's manifest says scrubbed",
	async t => {
		const {project, app} = await openGoldAccounts(t);
		await copyFromProduction(t, app, 'scratch');
		await press(app, keys.down);
		await waitForText(app.lastFrame, '❯ load it as it is (--no-scrub)');
		await press(app, keys.enter);
		const frame = await answerAndConfirm(t, app, false);
		t.regex(frame, /\$ monarch copy_db production:scratch -q GoldAccountsQuerySet --param plan=gold --no-scrub --yes\n/);
		const scratch = project.db('scratch');
		t.is(await scratch.collection('accounts').countDocuments(), 150);
		t.like(await scratch.collection('accounts').findOne(byId(1)), {
			email: 'customer1@shop.example',
			name: 'Customer Number1',
			plan: 'gold',
		});
		t.is((await scratch.collection('campaigns').findOne(byId('c1')))?.notes, 'call Customer Number1');
		t.is(await project.db('development').collection('accounts').countDocuments(), 0);

		// The backup of what it picks: the same backup job as b and :backup, so it offers to scrub.
		await press(app, keys.escape);
		await waitForText(app.lastFrame, '› GoldAccountsQuerySet');
		await press(app, keys.enter);
		await waitForText(app.lastFrame, 'Run GoldAccountsQuerySet into…');
		await press(app, keys.enter);
		await waitForText(app.lastFrame, /Back up what GoldAccountsQuerySet picks from which environment\?[\s\S]*❯ development/);
		await press(app, keys.down);
		await waitForText(app.lastFrame, '❯ production');
		await press(app, keys.enter);
		await waitForText(app.lastFrame, 'Scrub personal data in this backup of production (faithful otherwise)?');
		await press(app, 'y');
		await waitForText(app.lastFrame, 'Accounts of which plan?');
		await press(app, keys.enter);
		const backedUp = await waitForText(app.lastFrame, /Back up QuerySet GoldAccountsQuerySet done/);
		t.regex(backedUp, /\$ monarch backup production -q GoldAccountsQuerySet --param plan=gold --scrub\n/);
		const folder = path.join(project.dir, 'backups');
		const manifests = (await readdir(folder)).filter(name => name.endsWith('.manifest.json'));
		t.is(manifests.length, 1);
		const manifest = JSON.parse(await readFile(path.join(folder, manifests[0]!), 'utf8')) as {
			querySet: unknown;
			scrub?: {collections: Array<{name: string}>};
			collections: Array<{name: string; count: number}>;
		};
		t.deepEqual(manifest.querySet, {name: 'GoldAccountsQuerySet', answers: {plan: 'gold'}});
		t.deepEqual(
			manifest.collections.map(entry => [entry.name, entry.count]),
			[
				['accounts', 150],
				['campaigns', 60],
			],
		);
		t.deepEqual(
			manifest.scrub?.collections.map(entry => entry.name),
			['accounts', 'campaigns'],
		);
	},
);
