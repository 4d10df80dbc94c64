import {once} from 'node:events';
import {readdir, readFile, rm, stat, truncate, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import test from 'ava';
import {seed, snapshot, stagingCollections, type Loose} from './helpers/backup-data.js';
import {createProject, testMongoUri} from './helpers/project.js';

const today = () => new Date().toISOString().slice(0, 10).replaceAll('-', '_');

/** A project with a backup of development and a staging environment holding other data. */
async function withBackup(t: Parameters<typeof createProject>[0], dogs = 300) {
	const suffix = Math.random().toString(16).slice(2, 10);
	const project = await createProject(t, {
		environments: {staging: {uri: testMongoUri(), database: `t_${suffix}_staging`}},
		config: {backups: {local: {dir: 'backups'}}},
	});
	await seed(project.db('development'), {dogs});
	await project.db('staging').collection<Loose>('orders').insertMany([{_id: 1, total: 10}, {_id: 2, total: 20}]);
	await project.db('staging').collection<Loose>('orders').createIndex({total: 1});
	const backedUp = await project.monarch(['backup', 'development']);
	if (backedUp.code !== 0) throw new Error(backedUp.stderr);
	const archive = `${project.databases.development}__${today()}.archive.gz`;
	return {project, archive, file: path.join(project.dir, 'backups', archive), before: await snapshot(project.db('staging'))};
}

test('a backup with one corrupted byte is refused before the target is touched', async t => {
	const {project, archive, file, before} = await withBackup(t);
	const bytes = await readFile(file);
	const at = Math.floor(bytes.length / 2);
	bytes[at] = bytes[at]! ^ 0x5a;
	await writeFile(file, bytes);

	const result = await project.monarch(['restore', `${archive}:staging`, '--yes']);
	t.is(result.code, 1);
	t.regex(result.stderr, new RegExp(`Error: Backup backups/${archive} is corrupt: `));
	t.regex(result.stderr, /nothing was changed/);
	t.deepEqual(await snapshot(project.db('staging')), before);
});

test('a backup with bytes appended after its last document is refused (size and sha256)', async t => {
	const {project, archive, file, before} = await withBackup(t);
	// Appending bytes leaves every document intact: only the size and sha256 in the manifest can tell.
	await writeFile(file, Buffer.concat([await readFile(file), Buffer.from('tail')]));
	const result = await project.monarch(['restore', `${archive}:staging`, '--yes']);
	t.is(result.code, 1);
	t.regex(result.stderr, /is corrupt|incomplete|manifest says/);
	t.deepEqual(await snapshot(project.db('staging')), before);
});

test('a truncated backup is refused with the target unchanged', async t => {
	const {project, archive, file, before} = await withBackup(t);
	await truncate(file, Math.floor((await stat(file)).size / 2));
	const result = await project.monarch(['restore', `${archive}:staging`, '--yes']);
	t.is(result.code, 1);
	t.regex(result.stderr, new RegExp(`Backup backups/${archive}`));
	t.deepEqual(await snapshot(project.db('staging')), before);
});

test('a backup without its manifest is incomplete and refused with the target unchanged', async t => {
	const {project, archive, file, before} = await withBackup(t);
	await rm(`${file}.manifest.json`);
	const result = await project.monarch(['restore', `${archive}:staging`, '--yes']);
	t.is(result.code, 1);
	t.regex(result.stderr, new RegExp(`Backup backups/${archive} is incomplete: it has no manifest`));
	t.deepEqual(await snapshot(project.db('staging')), before);
});

test('a restore killed with SIGKILL while loading leaves the target as it was; the next run cleans up and restores', async t => {
	const {project, archive, before} = await withBackup(t, 40_000);
	const target = project.db('staging');
	const child = project.spawnMonarch(['restore', `${archive}:staging`, '--yes']);
	const exited = once(child, 'exit');
	let staged: string[] = [];
	for (let tries = 0; tries < 3000 && staged.length === 0 && child.exitCode === null; tries++) {
		staged = await stagingCollections(target);
		if (staged.length === 0) await sleep(10);
	}

	t.true(staged.length > 0, 'staging collections appeared');
	// Let it load some documents before the kill.
	await sleep(300);
	child.kill('SIGKILL');
	const [, signal] = await exited;
	t.is(signal, 'SIGKILL');

	const afterKill = await snapshot(target);
	const leftovers = Object.keys(afterKill).filter(name => name.startsWith('monarch_staging_'));
	t.true(leftovers.length > 0, 'the killed run left staging collections');
	for (const name of leftovers) delete afterKill[name];
	t.deepEqual(afterKill, before);

	// The next run waits out the dead run's lease, drops its staging collections, then restores.
	const again = await project.monarch(['restore', `${archive}:staging`, '--yes']);
	t.is(again.code, 0, again.stderr);
	t.regex(again.stderr, /Dropped \d+ staging collections? left by an interrupted run/);
	t.deepEqual(await stagingCollections(target), []);
	t.deepEqual(await snapshot(target), await snapshot(project.db('development')));
	t.is(await target.collection<Loose>('monarch_locks').countDocuments(), 0);
});

test('Ctrl+C during a restore drops the staging collections and leaves the target as it was', async t => {
	const {project, archive, before} = await withBackup(t, 30_000);
	const target = project.db('staging');
	const child = project.spawnMonarch(['restore', `${archive}:staging`, '--yes']);
	let stderr = '';
	child.stderr!.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
	});
	const exited = once(child, 'exit');
	let staged: string[] = [];
	for (let tries = 0; tries < 3000 && staged.length === 0 && child.exitCode === null; tries++) {
		staged = await stagingCollections(target);
		if (staged.length === 0) await sleep(10);
	}

	t.true(staged.length > 0, 'staging collections appeared');
	await sleep(200);
	child.kill('SIGINT');
	const [code] = await exited;
	t.is(code, 130, stderr);
	t.regex(stderr, /Cancelled/);
	t.deepEqual(await stagingCollections(target), []);
	t.deepEqual(await snapshot(target), before);
	t.is(await target.collection<Loose>('monarch_locks').countDocuments(), 0);
});

test('Ctrl+C during a backup leaves no backup behind, complete or not', async t => {
	const {project, archive} = await withBackup(t, 30_000);
	const folder = path.join(project.dir, 'backups');
	const child = project.spawnMonarch(['backup', 'development', '--name', 'interrupted']);
	const exited = once(child, 'exit');
	let partial = false;
	for (let tries = 0; tries < 3000 && !partial && child.exitCode === null; tries++) {
		partial = (await readdir(folder)).some(name => name.startsWith('.partial-'));
		if (!partial) await sleep(5);
	}

	t.true(partial, 'the backup started writing');
	child.kill('SIGINT');
	const [code] = await exited;
	t.is(code, 130);
	t.deepEqual((await readdir(folder)).sort(), [archive, `${archive}.manifest.json`]);
	const listed = await project.monarch(['list_backups', '--json']);
	t.notRegex(listed.stdout, /interrupted/);
});
