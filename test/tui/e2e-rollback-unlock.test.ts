import {randomInt} from 'node:crypto';
import test from 'ava';
import {snapshot} from '../helpers/backup-data.js';
import {heldLock} from '../helpers/dead-pid.js';
import {createProject, migrationSource, testMongoUri} from '../helpers/project.js';
import {openTerminal} from './helpers/tmux.js';

/** The screen as one line of words: the dialog's borders and the wrapping of its long lines left out. */
const flat = (screen: string) => screen.replaceAll(/[│╭╮╰╯─]/g, ' ').replaceAll(/\s+/g, ' ');

const addRex = migrationSource('AddRex', "\t\tawait this.database.collection('dogs').insertOne({_id: 'rex', name: 'rex'});");

test('in a terminal at 80x24, u shows what the rollback undoes and waits for the typed name; the header names the lock holder and U unlocks after a forced yes', async t => {
	const project = await createProject(t, {
		now: '2026-03-01T09:30:00.000Z',
		environments: {production: {uri: testMongoUri(), database: `t_${randomInt(1e9, 1e10)}_prod`}},
		migrations: {'20260101000001_add_rex.ts': addRex},
		config: {backups: {local: {dir: 'backups'}}},
	});
	const production = project.db('production');
	await production.collection<{_id: string}>('dogs').insertOne({_id: 'fido'});
	const before = await snapshot(production);
	t.is((await project.monarch(['migrate', 'production', '--yes'])).code, 0);
	const locks = project.db().collection<{_id: string}>('monarch_locks');
	await locks.insertOne(heldLock('migrations', {host: 'buildbox', user: 'ci', pid: 4242}, new Date()));

	const terminal = await openTerminal(t, {cwd: project.dir, columns: 80, rows: 24, now: '2026-03-01T09:30:00.000Z'});
	await terminal.waitFor(/› development .* up/);
	await terminal.press('2');
	// Its times are today's (across midnight, `since` carries its day).
	let screen = await terminal.waitFor(
		/◂ development ▸.*\n.*locked by ci@buildbox pid 4242 since (?:\d\d-\d\d )?\d\d:\d\d:\d\d, lease until (?:\d\d-\d\d )?\d\d:\d\d:\d\d/,
	);
	t.is(screen.split('\n').length, 24);
	t.regex(screen.split('\n')[22] ?? '', /x matrix {2}\? help {2}q quit/);

	await terminal.press('U');
	screen = await terminal.waitFor('Remove it anyway (force)?');
	t.regex(flat(screen), /its holder looks alive \(the lease is being renewed\)\. Remove it anyway \(force\)\? y yes n no \(enter: no/);
	await terminal.press('y');
	screen = await terminal.waitFor('Unlocked development');
	t.regex(screen, /why {9}forced while its lease was live/);
	t.is(await locks.countDocuments(), 0);
	await terminal.press('Escape');
	await terminal.waitFor('Unlock development done');
	await terminal.press('Escape');
	await terminal.waitFor(shown => /◂ development ▸/.test(shown) && !shown.includes('locked by'));

	await terminal.press('l');
	await terminal.waitFor(/◂ production ▸.*1 migration, 0 pending/);
	await terminal.press('u');
	screen = await terminal.waitFor('Type production to confirm');
	const dialog = flat(screen);
	t.regex(
		dialog,
		/! Rolling back production to backups\/t_\d+_prod_before_migrate__2026_03_01\.archive\.gz, taken 2026-03-01 09:30:00 UTC; it undoes 1 migration: 20260101000001_add_rex/,
	);
	t.regex(dialog, /! Every write to production \(database t_\d+_prod\) after 2026-03-01 09:30:00 UTC is lost/);
	await terminal.type('production');
	await terminal.press('Enter');
	screen = await terminal.waitFor('Rolled back production');
	t.regex(screen, /undone {6}1 migration: 20260101000001_add_rex/);
	t.deepEqual(await snapshot(production), before);
	await terminal.press('Escape');
	await terminal.waitFor('Roll back production done');
	await terminal.press('Escape');
	await terminal.waitFor(/◂ production ▸.*1 migration, 1 pending/);
	await terminal.press('q');
	await terminal.waitFor('EXIT=0');
});
