/** @jsxRuntime automatic */
/** @jsxImportSource react */
import {hostname} from 'node:os';
import test from 'ava';
import {formatTime} from '../../source/tui/components/text.js';
import {snapshot} from '../helpers/backup-data.js';
import {deadPid, heldLock, literal} from '../helpers/dead-pid.js';
import {createProject, migrationSource, testMongoUri} from '../helpers/project.js';
import {openApp} from './helpers/app.js';
import {keys, press, type, waitForFrame, waitForText} from './helpers/ink.js';

process.env.MONARCH_CONNECT_TIMEOUT_MS = '2000';

/** The day monarch dates the safety backups of `monarch migrate` with (MONARCH_NOW), whatever today is. */
const day = '2026-03-01T09:30:00.000Z';
const addRex = migrationSource('AddRex', "\t\tawait this.database.collection('dogs').insertOne({_id: 'rex', name: 'rex'});");
const renameFido = migrationSource(
	'RenameFido',
	"\t\tawait this.database.collection('dogs').updateOne({_id: 'fido'}, {$set: {name: 'Fido'}});",
);

/** The frame as one line of words: the dialog's borders and the wrapping of its long lines left out. */
const flat = (frame: string) => frame.replaceAll(/[│╭╮╰╯─]/g, ' ').replaceAll(/\s+/g, ' ');

type Lock = {_id: string; token: string};
/** A lock taken on a day of its own. */
const since = new Date('2026-11-23T10:07:00Z');
/**
 * A lock time as the header shows it: `HH:MM:SS` in the machine's time zone,
 * after its day when that is not today (`11-23`, or `2026-11-23` in another
 * year); lock times are the real clock's, so the day is left open here.
 */
const shown = (date: Date) => `(?:(?:\\d{4}-)?\\d\\d-\\d\\d )?${date.toTimeString().slice(0, 8)}`;

test.serial(
	'migrations panel: u shows what the rollback undoes, waits for the typed name, then restores the state before the migrate',
	async t => {
		const project = await createProject(t, {
			now: day,
			environments: {production: {uri: testMongoUri(), database: `t_${Math.random().toString(16).slice(2, 10)}_prod`}},
			migrations: {'20260101000001_add_rex.ts': addRex},
			config: {backups: {local: {dir: 'backups'}}},
		});
		const production = project.db('production');
		await production.collection<{_id: string; name: string}>('dogs').insertMany([
			{_id: 'fido', name: 'fido'},
			{_id: 'lassie', name: 'lassie'},
		]);
		t.is((await project.monarch(['migrate', 'production', '--yes'])).code, 0);
		await project.writeMigration('20260101000002_rename_fido.ts', renameFido);
		const before = await snapshot(production);
		const migrated = await project.monarch(['migrate', 'production', '--yes']);
		t.is(migrated.code, 0, migrated.stderr);
		const latest = `${project.databases.production}_before_migrate__2026_03_01_2.archive.gz`;
		const after = await snapshot(production);
		t.notDeepEqual(after, before);

		const app = await openApp(t, project);
		await press(app, '2');
		await waitForText(app.lastFrame, /◂ development ▸/);
		await press(app, keys.right);
		await waitForText(app.lastFrame, /◂ production ▸ .*2 migrations, 0 pending/);
		await press(app, 'u');
		const asked = flat(await waitForText(app.lastFrame, 'Type production to confirm'));
		t.regex(
			asked,
			new RegExp(
				`! Rolling back production to backups/${literal(latest)}, taken 2026-03-01 09:30:00 UTC; it undoes 1 migration: 20260101000002_rename_fido`,
			),
		);
		t.regex(
			asked,
			new RegExp(
				`! Every write to production \\(database ${project.databases.production}\\) after 2026-03-01 09:30:00 UTC is lost, not only the migrations'`,
			),
		);
		t.regex(
			asked,
			new RegExp(
				`Restore backup ${literal(latest)} of production .* into production .*replacing its data on protected environment "production"`,
			),
		);
		t.deepEqual(await snapshot(production), after, 'nothing changed while asking');

		await type(app, 'production');
		await press(app, keys.enter);
		const done = await waitForText(app.lastFrame, /Rolled back production\s/);
		t.regex(done, /undone {6}1 migration: 20260101000002_rename_fido/);
		t.regex(done, /taken {7}2026-03-01 09:30:00 UTC \(the backup; writes since are gone\)/);
		t.regex(done, new RegExp(`from {8}backups/${literal(latest)}`));
		t.regex(done, new RegExp(`into {8}production \\(database ${project.databases.production}\\)`));
		t.regex(done, /safety {6}backups\/t_\w+_prod_before_restore__\d{4}_\d\d_\d\d\.archive\.gz/);
		t.regex(done, /undo with {3}monarch restore t_\w+_prod_before_restore__\d{4}_\d\d_\d\d\.archive\.gz:production/);
		t.deepEqual(await snapshot(production), before);
		await press(app, keys.escape);
		const log = await waitForText(app.lastFrame, /Roll back production done/);
		// A warning wraps whole (the newest rows show): what the rollback loses, not only the migrations'.
		t.regex(log, /! Every write to production \(database \w+\) after 2026-03-01 09:30:00 UTC is lost, not\s+only the migrations'/);
		t.regex(log, new RegExp(`■ Rolled back production \\(database ${project.databases.production}\\) to backups/`));
		await press(app, keys.escape);
		// The panel read the environment again after the job: the migration it undid is pending.
		t.regex(await waitForText(app.lastFrame, /◂ production ▸ .*2 migrations, 1 pending/), /◂ production ▸ .*2 migrations, 1 pending/);
	},
);

test.serial('migrations panel: u without a safety backup shows the core refusal and its hint; the app keeps running', async t => {
	const project = await createProject(t, {migrations: {'20260101000001_add_rex.ts': addRex}, config: {backups: {local: {dir: 'backups'}}}});
	t.is((await project.monarch(['migrate', 'development'])).code, 0);
	const before = await snapshot(project.db());

	const app = await openApp(t, project);
	await press(app, '2');
	await waitForText(app.lastFrame, /◂ development ▸ .*1 migration, 0 pending/);
	await press(app, 'u');
	const refused = flat(await waitForText(app.lastFrame, 'Failed: Roll back development'));
	t.regex(
		refused,
		/No safety backup of development \(t_\w+_dev_before_migrate__<date>\) in the configured backup stores; nothing was changed/,
	);
	t.regex(
		refused,
		/What to do: `monarch migrate development` takes one before it runs on a protected environment; take one now with `monarch backup development --name t_\w+_dev_before_migrate`/,
	);
	t.deepEqual(await snapshot(project.db()), before);
	await press(app, keys.escape);
	await waitForText(app.lastFrame, /Roll back development failed/);
	await press(app, keys.escape);
	t.regex(await waitForText(app.lastFrame, /› Completed\s+20260101000001_add_rex/), /› Completed\s+20260101000001_add_rex/);
});

test.serial(
	'migrations panel: the header names the lock holder; U removes a dead one once the name is typed, and a live one only when forced',
	async t => {
		const project = await createProject(t, {
			environments: {staging: {uri: testMongoUri(), database: `t_${Math.random().toString(16).slice(2, 10)}_stg`, protected: true}},
		});
		const pid = await deadPid();
		const host = hostname();
		const stagingLocks = project.db('staging').collection<Lock>('monarch_locks');
		await stagingLocks.insertOne(heldLock('migrations', {host, user: 'root', pid}, since));
		const devLocks = project.db().collection<Lock>('monarch_locks');
		const live = heldLock('migrations', {host: 'buildbox', user: 'ci', pid: 4242}, since);
		await devLocks.insertOne(live);

		const app = await openApp(t, project);
		await press(app, '2');
		let frame = await waitForText(app.lastFrame, /locked by ci@buildbox/);
		t.regex(
			frame,
			new RegExp(
				`◂ development ▸.*\\n.*locked by ci@buildbox pid 4242 since ${shown(since)}, lease until ${shown(live.expiresAt)}\\s+U unlocks`,
			),
		);

		// Live: the core's refusal, then a second question whose default is no.
		await press(app, 'U');
		let asked = flat(await waitForText(app.lastFrame, 'Remove it anyway (force)?'));
		t.regex(
			asked,
			/The migrations lock on development is held by ci@buildbox \(pid 4242\) since 2026-11-23T10:07:00\.000Z, lease expires at \S+; its holder looks alive \(the lease is being renewed\)\. Remove it anyway \(force\)\? y yes n no \(enter: no/,
		);
		await press(app, keys.enter);
		frame = flat(await waitForText(app.lastFrame, 'Failed: Unlock development'));
		t.regex(
			frame,
			/its holder looks alive \(the lease is being renewed\) What to do: wait for that run to finish, or force it if you know it is gone/,
		);
		t.is((await devLocks.findOne({_id: 'migrations'}))?.token, 'killed-run', 'nothing removed');
		await press(app, keys.escape);
		await waitForText(app.lastFrame, /Unlock development failed/);
		await press(app, keys.escape);
		await waitForText(app.lastFrame, /locked by ci@buildbox/);

		await press(app, 'U');
		await waitForText(app.lastFrame, 'Remove it anyway (force)?');
		await press(app, 'y');
		frame = await waitForText(app.lastFrame, /Unlocked development/);
		t.regex(frame, /removed {5}the migrations lock on development \(database t_\w+_dev\)/);
		t.regex(frame, /holder {6}ci@buildbox \(pid 4242\)/);
		t.regex(frame, new RegExp(`since {7}${shown(since)}`));
		t.regex(frame, new RegExp(`lease {7}until ${shown(live.expiresAt)}`));
		t.regex(frame, /why {9}forced while its lease was live/);
		t.is(await devLocks.countDocuments(), 0);
		await press(app, keys.escape);
		await waitForText(app.lastFrame, /Unlock development done[\s\S]*■ Removed the migrations lock on development, held by ci@buildbox/);
		await press(app, keys.escape);
		await waitForFrame(
			app.lastFrame,
			frame => frame.includes('◂ development ▸') && frame.includes('0 migrations') && !frame.includes('locked by'),
			'the header without the lock',
		);

		// No lock: a toast, no job.
		await press(app, 'U');
		await waitForText(app.lastFrame, 'no lock held on development');

		// Dead, on a protected environment: the holder, then the typed name.
		await press(app, keys.right);
		frame = await waitForText(app.lastFrame, /◂ staging ▸.*\n.*locked by root@/);
		// The end of this line (`, lease until …, its process is gone`) is cut where the host name is long.
		t.regex(frame, new RegExp(`locked by root@${literal(host)} pid ${pid} since ${shown(since)},`));
		await press(app, 'U');
		asked = flat(await waitForText(app.lastFrame, 'Type staging to confirm'));
		t.regex(
			asked,
			new RegExp(
				`Remove the migrations lock held by root@${literal(host)} \\(pid ${pid}\\) since 2026-11-23T10:07:00\\.000Z, lease expires at \\S+ on protected environment "staging"`,
			),
		);
		await type(app, 'staging');
		await press(app, keys.enter);
		frame = await waitForText(app.lastFrame, /Unlocked staging/);
		t.regex(frame, /why {9}its process is gone/);
		t.is(await stagingLocks.countDocuments(), 0);
		await press(app, keys.escape);
		await waitForText(app.lastFrame, /Unlock staging done/);
		await press(app, keys.escape);
		frame = await waitForFrame(
			app.lastFrame,
			frame => frame.includes('◂ staging ▸') && !frame.includes('locked by'),
			'the header without the lock',
		);
		t.regex(frame, /◂ staging ▸/);
		t.false(frame.includes('locked by'));
	},
);

test('lock times read HH:MM:SS today, with their day otherwise (local time, any zone)', t => {
	const now = new Date(2026, 10, 23, 12, 0, 0);
	t.is(formatTime(new Date(2026, 10, 23, 9, 5, 7), now), '09:05:07');
	t.is(formatTime(new Date(2026, 10, 22, 23, 59, 59), now), '11-22 23:59:59');
	t.is(formatTime(new Date(2025, 11, 31, 0, 0, 1), now), '2025-12-31 00:00:01');
});

test('list_migrations --json carries the migrations lock and its state; no lock, no field', async t => {
	const project = await createProject(t);
	const plain = await project.monarch(['list_migrations', 'development', '--json']);
	t.is(plain.code, 0, plain.stderr);
	t.false('lock' in (JSON.parse(plain.stdout) as object));
	await project
		.db()
		.collection<Lock>('monarch_locks')
		.insertOne(heldLock('migrations', {host: 'buildbox', user: 'ci', pid: 4242}, since));
	const locked = await project.monarch(['list_migrations', 'development', '--json']);
	t.is(locked.code, 0, locked.stderr);
	const {lock} = JSON.parse(locked.stdout) as {lock: Record<string, unknown>};
	t.like(lock, {name: 'migrations', holder: {user: 'ci', host: 'buildbox', pid: 4242}, acquiredAt: since.toISOString(), state: 'live'});
	t.false('token' in lock);
});
