import {once} from 'node:events';
import {setTimeout as sleep} from 'node:timers/promises';
import test from 'ava';
import {createProject, migrationSource} from './helpers/project.js';

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

test('two migrate processes started at once run each migration exactly once, even when a migration outlasts the lease', async t => {
	// The lease is 2 s; the first migration takes 3 s, so the holder must renew it.
	const project = await createProject(t, {
		migrations: {
			'20260101000001_slow.ts': counted('slow', 3000),
			'20260101000002_quick.ts': counted('quick', 50),
			'20260101000003_last.ts': counted('last', 50),
		},
	});
	const [a, b] = await Promise.all([project.monarch(['migrate', 'development']), project.monarch(['migrate', 'development'])]);
	t.is(a.code, 0, a.stderr);
	t.is(b.code, 0, b.stderr);
	const runs = await project.db().collection<{_id: string; count: number}>('runs').find().sort({_id: 1}).toArray();
	t.deepEqual(runs, [
		{_id: 'last', count: 1},
		{_id: 'quick', count: 1},
		{_id: 'slow', count: 1},
	]);
	const outputs = [a.stdout, b.stdout].sort();
	t.regex(outputs.join('\n'), /Ran 3 migrations on development/);
	t.regex(outputs.join('\n'), /Nothing to migrate on development/);
	t.regex(a.stderr + b.stderr, /Waiting for the lock held by .* \(pid \d+\)/);
	t.is(await project.db().collection('monarch_locks').countDocuments(), 0);
});

test('a migrate killed with SIGKILL leaves Processing; once its lease expires the next run reports the interrupted migration', async t => {
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

	const next = await project.monarch(['migrate', 'development']);
	t.is(next.code, 1);
	t.regex(next.stderr, /Migration 20260101000001_hangs was interrupted on development \(started .* pid \d+, which is gone\); later migrations wait for it \(check what it changed, then run `monarch migrate_one 20260101000001_hangs development`\)/);
	t.is(await history.findOne({_id: '20260101000002_after'}), null);
	t.is(await project.db().collection('monarch_locks').countDocuments(), 0, 'the expired lease was taken over and released');

	const listed = await project.monarch(['list_migrations', 'development']);
	t.regex(listed.stdout, /Processing\s+20260101000001_hangs.*interrupted/);
});

test('a lock held by a live run makes migrate wait, then fail naming the holder, without running anything', async t => {
	const project = await createProject(t, {
		migrations: {'20260101000001_one.ts': counted('one', 10)},
		config: {lock: {leaseSeconds: 2, waitSeconds: 1}},
	});
	const since = new Date('2026-11-23T10:00:00Z');
	await project.db().collection('monarch_locks').insertOne({
		_id: 'migrations' as never,
		token: 'someone-else',
		holder: {host: 'buildbox', user: 'ci', pid: 4242},
		acquiredAt: since,
		expiresAt: new Date(Date.now() + 600_000),
	});
	const result = await project.monarch(['migrate', 'development']);
	t.is(result.code, 1);
	t.regex(result.stderr, /Error: The migrations lock is held by ci@buildbox \(pid 4242\) since 2026-11-23T10:00:00\.000Z \(wait for that run to finish; if it is gone, its lease expires at /);
	t.is(await project.db().collection('runs').countDocuments(), 0);
	t.is(await project.db().collection('monarch_migrations').countDocuments(), 0);
	t.is((await project.db().collection('monarch_locks').findOne({}))?.token, 'someone-else');
});
