import test from 'ava';
import {allStrings, key, scrubProject} from '../scrub/helpers.js';
import {addGoldAccountsQuerySet} from './helpers/gold-accounts.js';
import {openTerminal} from './helpers/tmux.js';

// The tmux server, started by this process, passes its environment to monarch.
process.env.MONARCH_SCRUB_KEY = key.MONARCH_SCRUB_KEY;

test('in a terminal at 80x24, the copy form scrubs production into development by default and says so in its CLI line', async t => {
	const {project, originals} = await scrubProject(t);
	const terminal = await openTerminal(t, {cwd: project.dir, columns: 80, rows: 24});
	await terminal.waitFor(/› development .* up (?:\d+ ms|[\d.]+ s)[\s\S]*production .* up/);
	await terminal.press('Down');
	await terminal.waitFor(/› production /);
	await terminal.press('y');
	await terminal.waitFor('Copy production into which environment?');
	await terminal.press('Enter');
	let screen = await terminal.waitFor(/The copy of production holds personal data and development is not protected:[\s│]+scrub it\?/);
	t.regex(screen, /❯ scrub personal data \(the rules of monarch\.json\)/);
	await terminal.press('Enter');
	await terminal.waitFor(/replacing[\s│]+its data\?/);
	await terminal.press('y');
	await terminal.waitFor('Audit the copy now?');
	await terminal.press('n');
	screen = await terminal.waitFor(/loaded +4 collections, 471 documents/);
	t.true(screen.split('\n').every(line => line.length <= 80));
	await terminal.press('Escape');
	screen = await terminal.waitFor(/\$ monarch copy_db production:development --scrub --yes/);
	const strings = await allStrings(project, 'development');
	for (const original of [...originals.emails, ...originals.names, ...originals.phones, ...originals.streets])
		t.false(strings.has(original), original);
	t.is(await project.db('development').collection('accounts').countDocuments(), 300);
	await terminal.press('Escape');
	// A key right after esc reads as alt+key: wait for the panel first.
	await terminal.waitFor(shown => !shown.includes('$ monarch copy_db') && shown.includes('q quit'));
	await terminal.press('q');
	await terminal.waitFor('EXIT=0');
});

test("in a terminal at 80x24, the QuerySets panel's copy from production asks whether to scrub, and scrubs what the QuerySet picks into development", async t => {
	const {project, originals} = await scrubProject(t);
	await addGoldAccountsQuerySet(project);
	const terminal = await openTerminal(t, {cwd: project.dir, columns: 80, rows: 24});
	await terminal.waitFor(/› development .* up (?:\d+ ms|[\d.]+ s)/);
	await terminal.press('4');
	await terminal.waitFor(/› GoldAccountsQuerySet\s+plan\s+querysets\/gold-accounts\.ts/);
	await terminal.press('Enter');
	await terminal.waitFor('Run GoldAccountsQuerySet into…');
	await terminal.press('Down');
	await terminal.waitFor('❯ copy what it picks');
	await terminal.press('Enter');
	await terminal.waitFor(/from which environment\?[\s\S]*❯ development/);
	await terminal.press('Down');
	await terminal.waitFor('❯ production');
	await terminal.press('Enter');
	await terminal.waitFor(/from production into which[\s│]+environment\?[\s\S]*❯ development/);
	await terminal.press('Enter');
	const question = await terminal.waitFor(/The copy of production holds personal data and development is not protected:[\s│]+scrub it\?/);
	t.regex(question, /❯ scrub personal data \(the rules of monarch\.json\)/);
	t.regex(question, /load it as it is \(--no-scrub\)/);
	await terminal.press('Enter');
	await terminal.waitFor('Accounts of which plan?');
	await terminal.press('Enter');
	await terminal.waitFor(/replacing[\s│]+its data\?/);
	await terminal.press('y');
	await terminal.waitFor('Audit the copy now?');
	await terminal.press('n');
	const result = await terminal.waitFor(/loaded +2 collections, 210 documents/);
	t.true(result.split('\n').every(line => line.length <= 80));
	await terminal.press('Escape');
	await terminal.waitFor('Copy QuerySet GoldAccountsQuerySet done');
	// The line is longer than the pane: y shows it whole (and puts it on the clipboard).
	await terminal.press('y');
	await terminal.waitFor('The CLI line of "Copy QuerySet GoldAccountsQuerySet"');
	t.is(await terminal.clipboard(), 'monarch copy_db production:development -q GoldAccountsQuerySet --param plan=gold --scrub --yes');
	await terminal.press('Escape');
	await terminal.waitFor('Copy QuerySet GoldAccountsQuerySet done');

	// On the server: what the QuerySet picks, without one original value of the rules' fields.
	const development = project.db('development');
	t.is(await development.collection('accounts').countDocuments(), 150);
	t.is(await development.collection('campaigns').countDocuments(), 60);
	const strings = await allStrings(project, 'development');
	for (const original of [...originals.emails, ...originals.names, ...originals.phones, ...originals.streets])
		t.false(strings.has(original), original);
	t.true(strings.has('gold'));
	t.true(strings.has('Paris'));

	await terminal.press('Escape');
	// A key right after esc reads as alt+key: wait for the panel first.
	await terminal.waitFor(shown => !shown.includes('$ monarch copy_db') && shown.includes('q quit'));
	await terminal.press('q');
	await terminal.waitFor('EXIT=0');
});
