import {once} from 'node:events';
import {hostname} from 'node:os';
import test, {type ExecutionContext} from 'ava';
import type {MongoClient} from 'mongodb';
import type {AbandonedScratch} from '../source/core/scratch-databases.js';
import {type Loose, seed, stagingCollections} from './helpers/backup-data.js';
import {deadPid, literal} from './helpers/dead-pid.js';
import {type Gate, heldOrExited, startGate} from './helpers/gate.js';
import {startOwnServer} from './helpers/own-server.js';
import {createProject, migrationSource, type Project} from './helpers/project.js';
import {waitFor} from './helpers/wait.js';

// Each test has a server of its own: any command that writes on a server drops
// what killed rehearsals left there, so on the shared test server another test
// file's command could do it before this test's command does.

/** monarch's clock for these tests (MONARCH_NOW): the scratch database's name follows from it. */
const now = '2026-03-01T09:30:00.000Z';
const stamp = '20260301_093000';

/** The marker document a rehearsal keeps in its scratch database's `monarch_locks`. */
type Marker = {
	_id: string;
	token: string;
	holder: {host: string; user: string; pid: number; bootId?: string};
	acquiredAt: Date;
	expiresAt: Date;
};

/**
 * A protected production holding 8000 dogs (about 2 MB, more than the gate
 * lets through) and one pending migration, development on `${DEVELOPMENT_URI}`
 * (a gate) or the test's own server, and a local backup store. The lease is
 * createProject's 2 s: a rehearsal held at the gate (its heartbeat held too)
 * outlives it, and is still running.
 */
async function shop(t: ExecutionContext): Promise<Project & {uri: string; scratch: string}> {
	const uri = await startOwnServer(t);
	const project = await createProject(t, {
		uri,
		now,
		environments: {
			development: {uri: `\${DEVELOPMENT_URI:-${uri}}`, database: 'shop_dev'},
			production: {uri, database: 'shop', protected: true},
		},
		migrations: {
			'20260201000000_add_owner.ts': migrationSource('AddOwner', "\t\tawait this.database.collection('owners').insertOne({name: 'dan'});"),
		},
		config: {backups: {local: {dir: 'backups'}}},
	});
	await seed(project.db('production'), {dogs: 8000});
	return {...project, uri, scratch: `shop_rehearsal_${stamp}`};
}

async function databaseNames(client: MongoClient): Promise<string[]> {
	return (await client.db('admin').admin().listDatabases({nameOnly: true})).databases.map(entry => entry.name).sort();
}

async function markerOf(client: MongoClient, database: string): Promise<Marker | null> {
	return client.db(database).collection<Marker>('monarch_locks').findOne({_id: 'rehearsal'});
}

/**
 * Starts `monarch rehearse production` with development behind a gate and
 * waits until it holds: the scratch database carries its marker and the copy
 * is loading (staging collections), stuck at the gate.
 */
async function heldRehearsal(t: ExecutionContext, project: Project & {uri: string; scratch: string}) {
	const gate: Gate = await startGate(t, {toServer: 1_500_000, upstream: project.uri});
	const child = project.spawnMonarch(['rehearse', 'production'], {env: {DEVELOPMENT_URI: gate.uri}});
	let stderr = '';
	child.stderr!.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
	});
	const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
	t.teardown(() => {
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
	});
	await heldOrExited(gate, exited, () => stderr);
	const scratch = project.client.db(project.scratch);
	await waitFor(
		'the marked scratch database, loading',
		async () => (await markerOf(project.client, project.scratch)) !== null && (await stagingCollections(scratch)).length > 0,
	);
	return {gate, child, exited, stderr: () => stderr};
}

test('SIGKILL during a rehearsal: read-only commands and the status report its copy, the next writing command drops it in one line', async t => {
	const project = await shop(t);
	const run = await heldRehearsal(t, project);
	const marker = await markerOf(project.client, project.scratch);
	t.like(marker?.holder, {host: hostname(), pid: run.child.pid});

	run.child.kill('SIGKILL');
	const [, signal] = await run.exited;
	t.is(signal, 'SIGKILL');
	t.true((await databaseNames(project.client)).includes(project.scratch), 'the killed run left its copy');
	const left = `a rehearsal killed on ${hostname()}, pid ${run.child.pid}`;

	// Read-only: reported, nothing dropped.
	const listed = await project.monarch(['list_migrations', 'development']);
	t.is(listed.code, 0, listed.stderr);
	t.true(
		listed.stderr.includes(
			`1 abandoned scratch database on development's server: ${project.scratch} (${left}); any writing command drops it`,
		),
		listed.stderr,
	);
	const json = await project.monarch(['list_migrations', 'development', '--json']);
	t.is(json.code, 0, json.stderr);
	t.like((JSON.parse(json.stdout) as {abandonedScratch: AbandonedScratch[]}).abandonedScratch, [
		{database: project.scratch, owner: {host: hostname(), pid: run.child.pid}, reason: 'gone'},
	]);
	const {environmentStatus} = await import('../source/core/environment-status.js');
	const {makeEnvironment} = await import('../source/core/environments.js');
	const status = await environmentStatus(makeEnvironment({name: 'development', uri: project.uri, database: 'shop_dev'}), {
		timeoutMs: 10_000,
	});
	t.deepEqual(status.reachable ? status.abandonedScratch?.map(scratch => scratch.database) : status.error, [project.scratch]);
	t.true((await databaseNames(project.client)).includes(project.scratch));
	t.not(await markerOf(project.client, project.scratch), null);

	// Writing: dropped, one line.
	const backup = await project.monarch(['backup', 'development']);
	t.is(backup.code, 0, backup.stderr);
	t.is(
		backup.stderr.match(new RegExp(literal(`Dropped the scratch database ${project.scratch} left by ${left}`), 'g'))?.length,
		1,
		backup.stderr,
	);
	t.false((await databaseNames(project.client)).includes(project.scratch));

	const again = await project.monarch(['backup', 'development']);
	t.is(again.code, 0, again.stderr);
	t.notRegex(again.stderr, /scratch database/);
});

test("a live rehearsal's scratch database is left alone by a writing command meanwhile, then dropped by the rehearsal itself", async t => {
	const project = await shop(t);
	const run = await heldRehearsal(t, project);
	// Its heartbeat is held at the gate too: once its lease ran out, only its live pid says it runs.
	await waitFor(
		"the held rehearsal's lease to run out",
		async () => (await markerOf(project.client, project.scratch))!.expiresAt.getTime() < Date.now(),
	);

	const backup = await project.monarch(['backup', 'development']);
	t.is(backup.code, 0, backup.stderr);
	t.notRegex(backup.stderr, /scratch database/);
	const listed = await project.monarch(['list_migrations', 'development']);
	t.is(listed.code, 0, listed.stderr);
	t.notRegex(listed.stderr, /abandoned/);
	t.like(await markerOf(project.client, project.scratch), {holder: {pid: run.child.pid}});
	t.true((await stagingCollections(project.client.db(project.scratch))).length > 0);

	run.gate.open();
	const [code] = await run.exited;
	t.is(code, 0, run.stderr());
	t.true(run.stderr().includes(`Dropped the scratch database ${project.scratch}\n`), run.stderr());
	t.false((await databaseNames(project.client)).includes(project.scratch));
});

test('markers from another host whose lease expired, and of a dead pid here, are dropped; a live lease, a live pid here, no marker or another name are left alone', async t => {
	const uri = await startOwnServer(t);
	const project = await createProject(t, {uri, now});
	const dead = await deadPid();
	const expiredAt = new Date(Date.now() - 60_000);
	const elsewhere = {host: 'build-7.elsewhere', user: 'ci', pid: 4242, bootId: 'another-machine'};
	const planted: Record<string, Marker | undefined> = {
		[`shop_rehearsal_${stamp}`]: {_id: 'rehearsal', token: 'a', holder: elsewhere, acquiredAt: new Date(now), expiresAt: expiredAt},
		shop_rehearsal_20260301_093001: {
			_id: 'rehearsal',
			token: 'b',
			holder: {host: hostname(), user: 'me', pid: dead},
			acquiredAt: new Date(now),
			expiresAt: new Date(Date.now() + 600_000),
		},
		shop_rehearsal_20260301_093002: {
			_id: 'rehearsal',
			token: 'c',
			holder: elsewhere,
			acquiredAt: new Date(now),
			expiresAt: new Date(Date.now() + 600_000),
		},
		shop_rehearsal_20260301_093003: undefined,
		shop_copy_20260301_093004: {_id: 'rehearsal', token: 'e', holder: elsewhere, acquiredAt: new Date(now), expiresAt: expiredAt},
		// This test's process is alive: a run of this machine held up past its lease is still running.
		shop_rehearsal_20260301_093005: {
			_id: 'rehearsal',
			token: 'f',
			holder: {host: hostname(), user: 'me', pid: process.pid},
			acquiredAt: new Date(now),
			expiresAt: expiredAt,
		},
	};
	for (const [database, marker] of Object.entries(planted)) {
		await project.client.db(database).collection<Loose>('dogs').insertOne({_id: 1, name: 'rex'});
		if (marker) await project.client.db(database).collection<Marker>('monarch_locks').insertOne(marker);
	}

	const expiredLine = `Dropped the scratch database shop_rehearsal_${stamp} left by a rehearsal on build-7.elsewhere (pid 4242) whose lease expired at ${expiredAt.toISOString()}`;
	const goneLine = `Dropped the scratch database shop_rehearsal_20260301_093001 left by a rehearsal killed on ${hostname()}, pid ${dead}`;

	const listed = await project.monarch(['list_migrations', 'development', '--json']);
	t.is(listed.code, 0, listed.stderr);
	const found = (JSON.parse(listed.stdout) as {abandonedScratch: AbandonedScratch[]}).abandonedScratch;
	t.deepEqual(found.map(scratch => [scratch.database, scratch.reason]).sort(), [
		[`shop_rehearsal_${stamp}`, 'expired'],
		['shop_rehearsal_20260301_093001', 'gone'],
	]);
	t.regex(listed.stderr, /2 abandoned scratch databases on development's server: .*; any writing command drops them/);
	for (const database of Object.keys(planted))
		t.true((await databaseNames(project.client)).includes(database), `${database} is still there after a read`);

	const migrated = await project.monarch(['migrate', 'development']);
	t.is(migrated.code, 0, migrated.stderr);
	t.deepEqual(
		migrated.stderr
			.split('\n')
			.filter(line => line.includes('scratch database'))
			.sort(),
		[expiredLine, goneLine].sort(),
	);
	const remaining = await databaseNames(project.client);
	t.false(remaining.includes(`shop_rehearsal_${stamp}`));
	t.false(remaining.includes('shop_rehearsal_20260301_093001'));
	for (const database of [
		'shop_rehearsal_20260301_093002',
		'shop_rehearsal_20260301_093003',
		'shop_copy_20260301_093004',
		'shop_rehearsal_20260301_093005',
	]) {
		t.deepEqual(
			await project.client.db(database).collection<Loose>('dogs').find().toArray(),
			[{_id: 1, name: 'rex'}],
			`${database} is kept`,
		);
	}
});
