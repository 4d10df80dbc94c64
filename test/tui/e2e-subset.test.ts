import test, {type ExecutionContext} from 'ava';
import type {Db} from 'mongodb';
import {createProject, type Project, testMongoUri} from '../helpers/project.js';
import {declaredReferences, seedReferenceGraph} from '../helpers/reference-graph.js';
import {openTerminal, type Terminal} from './helpers/tmux.js';

/*
 * The copy form's "a subset" in the real binary at 80x24: development holds
 * the reference graph (test/helpers/reference-graph.ts), monarch.json declares
 * its references, staging is the target.
 */

/** A project whose development holds the reference graph, with staging beside it. */
async function graphProject(t: ExecutionContext): Promise<Project> {
	const suffix = Math.random().toString(16).slice(2, 10);
	const project = await createProject(t, {
		environments: {staging: {uri: testMongoUri(), database: `t_${suffix}_staging`}},
		config: {references: declaredReferences},
	});
	await seedReferenceGraph(project.db('development'));
	return project;
}

/** Every collection's `_id`s, as sorted strings, by collection name. */
async function slice(db: Db): Promise<Record<string, string[]>> {
	const found: Record<string, string[]> = {};
	for (const {name} of await db.listCollections().toArray()) {
		if (name.startsWith('monarch_')) continue;
		const documents = await db
			.collection(name)
			.find({}, {projection: {_id: 1}})
			.toArray();
		found[name] = documents.map(document => String(document._id)).sort();
	}

	return Object.fromEntries(Object.entries(found).sort(([a], [b]) => a.localeCompare(b)));
}

/** The screen fits the pane: at most 24 rows of at most 80 columns. */
function fits(t: ExecutionContext, screen: string): void {
	const lines = screen.split('\n');
	t.true(lines.length <= 24 && lines.every(line => line.length <= 80), screen);
}

/** From the Environments panel: y on development, staging, a subset of accounts {"plan":"pro"} down, up to the estimate; returns its screen. */
async function askForProAccounts(t: ExecutionContext, terminal: Terminal): Promise<string> {
	await terminal.waitFor(/› development .* up (?:\d+ ms|[\d.]+ s)[\s\S]*staging .* up/);
	await terminal.press('y');
	let screen = await terminal.waitFor(/Copy development into which environment\?|Copy all of development/);
	if (screen.includes('into which environment?')) {
		await terminal.waitFor('❯ staging');
		await terminal.press('Enter');
	}
	screen = await terminal.waitFor(/Copy all of development, or a subset/);
	fits(t, screen);
	await terminal.press('Down');
	await terminal.waitFor('❯ a subset');
	await terminal.press('Enter');
	await terminal.waitFor(/Start from which collection\?[\s\S]*❯ accounts/);
	await terminal.press('Enter');
	await terminal.waitFor('Which documents of accounts?');
	await terminal.type('{"plan":"pro"}');
	await terminal.press('Enter');
	await terminal.waitFor(/Follow the references[\s\S]*❯ down/);
	await terminal.press('Enter');
	screen = await terminal.waitFor('Copy this subset (192 of 419 documents)?');
	fits(t, screen);
	return screen;
}

/** The screen as one line of words: the dialog's borders and the wrapping of its long lines left out. */
const flat = (screen: string) => screen.replaceAll(/[│╭╮╰╯─]/g, ' ').replaceAll(/\s+/g, ' ');

test('in a terminal at 80x24, y copies a subset of development into staging: accounts {"plan":"pro"} down, the estimate whole, then the slice copy_db --subset takes', async t => {
	const project = await graphProject(t);
	const terminal = await openTerminal(t, {cwd: project.dir, columns: 80, rows: 24});
	const estimate = await askForProAccounts(t, terminal);
	const rows = estimate.split('\n');
	const row = (pattern: RegExp) =>
		t.true(
			rows.some(line => pattern.test(line)),
			`${String(pattern)}\n${estimate}`,
		);
	row(/Subset of development: accounts:\{"plan":"pro"\}, following references down/);
	row(/collection +role +documents +bytes +of source/);
	row(/accounts +root +7 +[\d.]+ KiB +35\.0%/);
	row(/users +down +7 /);
	row(/campaigns +down +21 /);
	row(/orders +down +18 /);
	row(/events +down +70 /);
	row(/total +192 +[\d.]+ KiB +45\.8%/);
	const words = flat(estimate);
	t.true(words.includes('events.campaign_id: 1 value points at nothing, already in the source (copied as they are)'), words);
	t.true(words.includes('orders.items[].sku: 1 value points at nothing, already in the source (copied as they are)'), words);
	t.regex(words, /copied whole: (?:\w+, ){6}\w+ Copy this subset/);
	for (const name of ['boxes', 'categories', 'coupons', 'notes', 'statuses', 'products', 'campaign_drafts'])
		t.true(words.includes(name), name);

	await terminal.press('y');
	await terminal.waitFor(shown => flat(shown).includes('into staging (database') && flat(shown).includes('replacing its data?'));
	await terminal.press('y');
	const result = await terminal.waitFor(/Copied development into staging/);
	fits(t, result);
	await terminal.press('Escape');
	const done = await terminal.waitFor(/\$ monarch copy_db development:staging/);
	t.true(flat(done).includes(`$ monarch copy_db development:staging --subset 'accounts:{"plan":"pro"}' --yes`), done);

	// On the server: exactly the slice copy_db --subset takes into another database.
	const tui = await slice(project.db('staging'));
	t.is(tui.accounts?.length, 7);
	const suffix = Math.random().toString(16).slice(2, 10);
	const cli = await createProject(t, {
		environments: {staging: {uri: testMongoUri(), database: `t_${suffix}_staging`}},
		config: {references: declaredReferences},
	});
	await seedReferenceGraph(cli.db('development'));
	const copied = await cli.monarch(['copy_db', 'development:staging', '--yes', '--subset', 'accounts:{"plan":"pro"}']);
	t.is(copied.code, 0, copied.stderr);
	t.deepEqual(tui, await slice(cli.db('staging')));

	await terminal.press('Escape');
	await terminal.waitFor(shown => !shown.includes('$ monarch copy_db') && shown.includes('q quit'));
	await terminal.press('q');
	await terminal.waitFor('EXIT=0');
});

test('in a terminal at 80x24, esc at the estimate cancels the copy: staging is left as it was', async t => {
	const project = await graphProject(t);
	const staging = project.db('staging');
	await staging.collection<{_id: number}>('dogs').insertMany([{_id: 1}, {_id: 2}]);
	const before = await slice(staging);
	const terminal = await openTerminal(t, {cwd: project.dir, columns: 80, rows: 24});
	await askForProAccounts(t, terminal);
	await terminal.press('Escape');
	const stopped = await terminal.waitFor(/Copy development stopped|Cancelled/);
	fits(t, stopped);
	t.regex(flat(stopped), /Cancelled: Copy this subset/);
	t.deepEqual(await slice(staging), before);
	t.deepEqual(before, {dogs: ['1', '2']});
});
