import {hostname} from 'node:os';
import test from 'ava';
import {deadPid, heldLock, literal} from './helpers/dead-pid.js';
import {createProject} from './helpers/project.js';

type Lock = {_id: string; token: string; expiresAt?: Date};
const since = new Date('2026-11-23T10:00:00Z');
const otherMachine = {host: 'buildbox', user: 'ci', pid: 4242};

test('unlock refuses a live lease without --force, naming its holder, then removes it with --force', async t => {
	const project = await createProject(t);
	const locks = project.db().collection<Lock>('monarch_locks');
	await locks.insertOne(heldLock('migrations', otherMachine, since));

	const refused = await project.monarch(['unlock', 'development', '--yes']);
	t.is(refused.code, 1);
	t.regex(
		refused.stderr,
		/^Error: The migrations lock on development is held by ci@buildbox \(pid 4242\) since 2026-11-23T10:00:00\.000Z, lease expires at \S+; its holder looks alive \(the lease is being renewed\) \(wait for that run to finish, or pass --force if you know it is gone\)$/m,
	);
	t.is((await locks.findOne({_id: 'migrations'}))?.token, 'killed-run', 'nothing removed');

	const unconfirmed = await project.monarch(['unlock', 'development', '--force']);
	t.is(unconfirmed.code, 2, 'without a terminal it must be confirmed with --yes');
	t.regex(unconfirmed.stderr, /Remove the migrations lock held by ci@buildbox \(pid 4242\)/);
	t.is((await locks.findOne({_id: 'migrations'}))?.token, 'killed-run', 'nothing removed');

	const forced = await project.monarch(['unlock', 'development', '--force', '--yes']);
	t.is(forced.code, 0, forced.stderr);
	t.regex(
		forced.stdout,
		/^Removed the migrations lock on development, held by ci@buildbox \(pid 4242\) since 2026-11-23T10:00:00\.000Z, lease expires at \S+ \(forced while its lease was live\)\.$/m,
	);
	t.is(await locks.countDocuments(), 0);
});

test('unlock removes, without --force, a lock whose holder on this machine is gone, and one whose lease expired', async t => {
	const project = await createProject(t);
	const locks = project.db().collection<Lock>('monarch_locks');
	const pid = await deadPid();
	await locks.insertOne(heldLock('migrations', {host: hostname(), user: 'root', pid}, since));

	const gone = await project.monarch(['unlock', 'development', '--yes']);
	t.is(gone.code, 0, gone.stderr);
	t.regex(
		gone.stdout,
		new RegExp(
			`^Removed the migrations lock on development, held by root@${literal(hostname())} \\(pid ${pid}\\) since .* \\(its process is gone\\)\\.$`,
			'm',
		),
	);
	t.is(await locks.countDocuments(), 0);

	await locks.insertOne({...heldLock('restore', otherMachine, since), expiresAt: new Date('2026-11-23T10:01:00Z')});
	const expired = await project.monarch(['unlock', 'development', '--lock', 'restore', '--yes']);
	t.is(expired.code, 0, expired.stderr);
	t.regex(
		expired.stdout,
		/^Removed the restore lock on development, held by ci@buildbox \(pid 4242\) since 2026-11-23T10:00:00\.000Z, lease expired at 2026-11-23T10:01:00\.000Z \(its lease had expired\)\.$/m,
	);
	t.is(await locks.countDocuments(), 0);
});

test('unlock with no lock says so and exits 0; it removes only the lock named by --lock', async t => {
	const project = await createProject(t);
	const locks = project.db().collection<Lock>('monarch_locks');
	await locks.insertOne({...heldLock('restore', otherMachine, since), expiresAt: new Date('2026-11-23T10:01:00Z')});

	const none = await project.monarch(['unlock', 'development', '--yes']);
	t.is(none.code, 0, none.stderr);
	t.regex(none.stdout, /^No migrations lock on development \(database t_\w+_dev\); nothing to do\.$/m);
	t.is(await locks.countDocuments({_id: 'restore'}), 1, 'the restore lock is left alone');

	const badName = await project.monarch(['unlock', 'development', '--lock', 'backups']);
	t.is(badName.code, 2);
	t.regex(badName.stderr, /argument 'backups' is invalid\. Allowed choices are migrations, restore/);
	t.is(await locks.countDocuments({_id: 'restore'}), 1);
});
