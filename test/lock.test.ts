import {once} from 'node:events';
import {hostname} from 'node:os';
import {setTimeout as sleep} from 'node:timers/promises';
import test from 'ava';
import {type Loose, seed, snapshot} from './helpers/backup-data.js';
import {deadPid, heldLock, literal} from './helpers/dead-pid.js';
import {createProject, migrationSource, testMongoUri} from './helpers/project.js';

const counted = (name: string, ms: number) =>
	migrationSource(
		'Counted',
		`\t\tawait this.database.collection('runs').updateOne({_id: '${name}'}, {$inc: {count: 1}}, {upsert: true});\n\t\tawait new Promise(resolve => setTimeout(resolve, ${ms}));`,
	);

async function waitFor<T>(what: string, check: () => Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await sleep(100);
	}
}

/** A migration that counts its run, then waits until the test lets it finish (a `go` document in `gate`). */
const heldOpen = (name: string) =>
	migrationSource(
		'HeldOpen',
		`\t\tawait this.database.collection('runs').updateOne({_id: '${name}'}, {$inc: {count: 1}}, {upsert: true});\n\t\twhile (!(await this.database.collection('gate').findOne({_id: 'go'}))) await new Promise(resolve => setTimeout(resolve, 50));`,
	);

test('two migrate processes started at once run each migration exactly once, even when a migration outlasts the lease', async t => {
	// The lease is 2 s; the first migration runs until the holder has renewed its lease a whole lease after taking it.
	const project = await createProject(t, {
		migrations: {
			'20260101000001_slow.ts': heldOpen('slow'),
			'20260101000002_quick.ts': counted('quick', 50),
			'20260101000003_last.ts': counted('last', 50),
		},
	});
	const children = [project.spawnMonarch(['migrate', 'development']), project.spawnMonarch(['migrate', 'development'])];
	const outputs = children.map(child => {
		const output = {stdout: '', stderr: ''};
		child.stdout!.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
		child.stderr!.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
		return output;
	});
	const exits = children.map(async child => (await once(child, 'exit'))[0] as number);

	type Lock = {_id: string; acquiredAt: Date; expiresAt: Date};
	const locks = project.db().collection<Lock>('monarch_locks');
	await waitFor('one run to wait for the other', async () =>
		outputs.some(output => /Waiting for the lock held by .* \(pid \d+\)/.test(output.stderr)),
	);
	await waitFor('the holder to renew its lease a whole lease after taking it', async () => {
		const lock = await locks.findOne({_id: 'migrations'});
		return lock !== null && lock.expiresAt.getTime() - lock.acquiredAt.getTime() >= 2 * 2000;
	});
	t.deepEqual(
		await project.db().collection('runs').find().toArray(),
		[{_id: 'slow', count: 1}],
		'only the holder runs, and only the first migration so far',
	);
	await project.db().collection<{_id: string}>('gate').insertOne({_id: 'go'});

	t.deepEqual(await Promise.all(exits), [0, 0], outputs.map(output => output.stderr).join('\n'));
	const runs = await project.db().collection<{_id: string; count: number}>('runs').find().sort({_id: 1}).toArray();
	t.deepEqual(runs, [
		{_id: 'last', count: 1},
		{_id: 'quick', count: 1},
		{_id: 'slow', count: 1},
	]);
	const stdout = outputs.map(output => output.stdout).join('\n');
	t.regex(stdout, /Ran 3 migrations on development/);
	t.regex(stdout, /Nothing to migrate on development/);
	t.is(await project.db().collection('monarch_locks').countDocuments(), 0);
});

test('a migrate killed with SIGKILL leaves Processing; the next run takes its lock over at once and reports the interrupted migration', async t => {
	const project = await createProject(t, {
		migrations: {
			'20260101000001_hangs.ts': counted('hangs', 60_000),
			'20260101000002_after.ts': counted('after', 10),
		},
	});
	const child = project.spawnMonarch(['migrate', 'development']);
	const history = project.db().collection<{_id: string; state: string}>('monarch_migrations');
	await waitFor('the migration to start', async () => (await history.findOne({_id: '20260101000001_hangs', state: 'Processing'})) !== null);
	child.kill('SIGKILL');
	await once(child, 'exit');

	t.is((await history.findOne({_id: '20260101000001_hangs'}))?.state, 'Processing');
	t.is(await project.db().collection('monarch_locks').countDocuments(), 1);
	// As with the default 60 s lease, the lease outlives the retry: only the dead pid lets it be taken over.
	await project
		.db()
		.collection<{_id: string}>('monarch_locks')
		.updateOne({_id: 'migrations'}, {$set: {expiresAt: new Date(Date.now() + 600_000)}});

	const next = await project.monarch(['migrate', 'development']);
	t.is(next.code, 1);
	t.regex(
		next.stderr,
		new RegExp(`^Took over the migrations lock from \\S+@${literal(hostname())} \\(pid ${child.pid}\\), which is gone$`, 'm'),
	);
	t.regex(
		next.stderr,
		/Migration 20260101000001_hangs was interrupted on development \(started .* pid \d+, which is gone\); later migrations wait for it \(check what it changed, then run `monarch migrate_one 20260101000001_hangs development`\)/,
	);
	t.is(await history.findOne({_id: '20260101000002_after'}), null);
	t.is(await project.db().collection('monarch_locks').countDocuments(), 0, "the dead run's lock was taken over and released");

	const listed = await project.monarch(['list_migrations', 'development']);
	t.regex(listed.stdout, /Processing\s+20260101000001_hangs.*interrupted/);
});

test('a lock held by a live run makes migrate wait, then fail naming the holder, without running anything', async t => {
	const project = await createProject(t, {
		migrations: {'20260101000001_one.ts': counted('one', 10)},
		config: {lock: {leaseSeconds: 2, waitSeconds: 1}},
	});
	const since = new Date('2026-11-23T10:00:00Z');
	await project
		.db()
		.collection('monarch_locks')
		.insertOne({
			_id: 'migrations' as never,
			token: 'someone-else',
			holder: {host: 'buildbox', user: 'ci', pid: 4242},
			acquiredAt: since,
			expiresAt: new Date(Date.now() + 600_000),
		});
	const result = await project.monarch(['migrate', 'development']);
	t.is(result.code, 1);
	t.regex(
		result.stderr,
		/Error: The migrations lock is held by ci@buildbox \(pid 4242\) since 2026-11-23T10:00:00\.000Z \(wait for that run to finish; if it is gone, its lease expires at /,
	);
	t.is(await project.db().collection('runs').countDocuments(), 0);
	t.is(await project.db().collection('monarch_migrations').countDocuments(), 0);
	t.is((await project.db().collection('monarch_locks').findOne({}))?.token, 'someone-else');
});

test('a lock whose holder ran on this machine and is gone is taken over at once, saying so in one line, though its lease has 10 minutes left', async t => {
	const project = await createProject(t, {migrations: {'20260101000001_one.ts': counted('one', 10)}});
	const pid = await deadPid();
	await project
		.db()
		.collection('monarch_locks')
		.insertOne(heldLock('migrations', {host: hostname(), user: 'root', pid}));

	const result = await project.monarch(['migrate', 'development']);
	t.is(result.code, 0, result.stderr);
	t.regex(
		result.stderr,
		new RegExp(`^Took over the migrations lock from root@${literal(hostname())} \\(pid ${pid}\\), which is gone$`, 'm'),
	);
	t.notRegex(result.stderr, /Waiting for the lock/);
	t.deepEqual(await project.db().collection('runs').find().toArray(), [{_id: 'one', count: 1}]);
	t.is(await project.db().collection('monarch_locks').countDocuments(), 0);
});

test('a live pid on this machine, or a holder on another machine with this host name, keeps the lock until its lease ends', async t => {
	const project = await createProject(t, {
		migrations: {'20260101000001_one.ts': counted('one', 10)},
		config: {lock: {leaseSeconds: 2, waitSeconds: 1}},
	});
	const locks = project.db().collection('monarch_locks');
	const holders = [
		{host: hostname(), user: 'alive', pid: process.pid},
		{host: hostname(), user: 'twin', pid: await deadPid(), bootId: 'the boot of another machine with this host name'},
	];
	for (const holder of holders) {
		await locks.deleteMany({});
		await locks.insertOne(heldLock('migrations', holder));
		const result = await project.monarch(['migrate', 'development']);
		t.is(result.code, 1);
		t.regex(
			result.stderr,
			new RegExp(
				`Error: The migrations lock is held by ${holder.user}@${literal(hostname())} \\(pid ${holder.pid}\\) since 2026-11-23T10:00:00\\.000Z`,
			),
		);
		t.notRegex(result.stderr, /Took over/);
		t.is((await locks.findOne({}))?.token, 'killed-run');
	}

	t.is(await project.db().collection('runs').countDocuments(), 0);
});

test('copy_db into a database whose restore lock a gone run of this machine holds takes the lock over at once', async t => {
	const project = await createProject(t, {
		environments: {staging: {uri: testMongoUri(), database: `t_${Math.random().toString(16).slice(2, 10)}_staging`}},
	});
	await seed(project.db('development'), {dogs: 30});
	const pid = await deadPid();
	await project
		.db('staging')
		.collection('monarch_locks')
		.insertOne(heldLock('restore', {host: hostname(), user: 'root', pid}));

	const copied = await project.monarch(['copy_db', 'development:staging', '--yes']);
	t.is(copied.code, 0, copied.stderr);
	t.regex(copied.stderr, new RegExp(`^Took over the restore lock from root@${literal(hostname())} \\(pid ${pid}\\), which is gone$`, 'm'));
	t.notRegex(copied.stderr, /Waiting for the lock/);
	t.deepEqual(await snapshot(project.db('staging')), await snapshot(project.db('development')));
	t.is(await project.db('staging').collection<Loose>('monarch_locks').countDocuments(), 0);
});
