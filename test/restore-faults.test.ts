import {createHash} from 'node:crypto';
import {once} from 'node:events';
import {readdir, readFile, rm, stat, truncate, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {gunzipSync, gzipSync} from 'node:zlib';
import test, {type ExecutionContext} from 'ava';
import type {Db} from 'mongodb';
import type {MonarchEvent} from '../source/core/events.js';
import {type Loose, seed, snapshot, stagingCollections} from './helpers/backup-data.js';
import {heldOrExited, startGate} from './helpers/gate.js';
import {createProject, testMongoUri} from './helpers/project.js';
import {waitFor} from './helpers/wait.js';

/**
 * A project with a backup of development (dated 2026-03-01) and a staging
 * environment holding other data. Both environments' URIs can be pointed at
 * a gate (DEVELOPMENT_URI, STAGING_URI) for one run.
 */
async function withBackup(t: ExecutionContext, dogs = 300) {
	const suffix = Math.random().toString(16).slice(2, 10);
	const project = await createProject(t, {
		now: '2026-03-01T09:30:00.000Z',
		environments: {
			development: {uri: `\${DEVELOPMENT_URI:-${testMongoUri()}}`, database: `t_${suffix}_dev`},
			staging: {uri: `\${STAGING_URI:-${testMongoUri()}}`, database: `t_${suffix}_staging`},
		},
		config: {backups: {local: {dir: 'backups'}}},
	});
	await seed(project.db('development'), {dogs});
	await project
		.db('staging')
		.collection<Loose>('orders')
		.insertMany([
			{_id: 1, total: 10},
			{_id: 2, total: 20},
		]);
	await project.db('staging').collection<Loose>('orders').createIndex({total: 1});
	const backedUp = await project.monarch(['backup', 'development']);
	if (backedUp.code !== 0) throw new Error(backedUp.stderr);
	const archive = `${project.databases.development}__2026_03_01.archive.gz`;
	return {project, archive, file: path.join(project.dir, 'backups', archive), before: await snapshot(project.db('staging'))};
}

test('a backup with one corrupted byte is refused with the target unchanged', async t => {
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

test('a backup whose index definitions changed (sha256 and size made to match) is refused by its metadata digest, target unchanged', async t => {
	const {project, archive, file, before} = await withBackup(t);
	// `name_1` on {name: 1} becomes {naze: 1} in the prelude; documents, CRCs, size and sha256 all still agree.
	const plain = gunzipSync(await readFile(file));
	const from = Buffer.from('"key":{"name":');
	const at = plain.indexOf(from);
	t.true(at > 0, 'the prelude holds the index key');
	Buffer.from('"key":{"naze":').copy(plain, at);
	const tampered = gzipSync(plain);
	await writeFile(file, tampered);
	const manifestFile = `${file}.manifest.json`;
	const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as {
		sha256: string;
		size: number;
		collections: Array<{name: string; metadataSha256?: string}>;
	};
	t.regex(manifest.collections.find(entry => entry.name === 'dogs')?.metadataSha256 ?? '', /^[0-9a-f]{64}$/);
	await writeFile(
		manifestFile,
		JSON.stringify({...manifest, sha256: createHash('sha256').update(tampered).digest('hex'), size: tampered.length}),
	);

	const result = await project.monarch(['restore', `${archive}:staging`, '--yes']);
	t.is(result.code, 1, result.stdout);
	t.is(
		result.stderr.trimEnd().split('\n').at(-1),
		`Error: Backup backups/${archive} is corrupt: the options or index definitions of dogs differ from those the manifest recorded (nothing was changed; restore from another backup)`,
	);
	t.deepEqual(await snapshot(project.db('staging')), before);
});

test('a changed document whose gzip, sha256 and size were made to match is caught by its CRC during the load; staging is dropped, target unchanged', async t => {
	const {project, archive, file, before} = await withBackup(t);
	// The last dog's name changes: every dog before it is inserted into staging before the CRC at the collection's end fails.
	const plain = gunzipSync(await readFile(file));
	const at = plain.indexOf('dog 299\0');
	t.true(at > 0, 'the archive holds the document');
	plain[at + 4] = '8'.charCodeAt(0);
	const tampered = gzipSync(plain);
	await writeFile(file, tampered);
	const manifestFile = `${file}.manifest.json`;
	const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as Record<string, unknown>;
	await writeFile(
		manifestFile,
		JSON.stringify({...manifest, sha256: createHash('sha256').update(tampered).digest('hex'), size: tampered.length}),
	);

	const result = await project.monarch(['restore', `${archive}:staging`, '--yes']);
	t.is(result.code, 1, result.stdout);
	t.regex(
		result.stderr.trimEnd().split('\n').at(-1)!,
		new RegExp(
			`^Error: Backup backups/${archive} is corrupt.*CRC mismatch for ${project.databases.development}\\.dogs.*\\(nothing was changed; restore from another backup\\)$`,
		),
	);
	t.deepEqual(await stagingCollections(project.db('staging')), []);
	t.deepEqual(await snapshot(project.db('staging')), before);
});

test('a backup whose manifest count differs from the archive is refused during the load, target unchanged', async t => {
	const {project, archive, file, before} = await withBackup(t);
	const manifestFile = `${file}.manifest.json`;
	const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as {collections: Array<{name: string; count: number}>};
	for (const entry of manifest.collections) if (entry.name === 'dogs') entry.count += 1;
	await writeFile(manifestFile, JSON.stringify(manifest));

	const result = await project.monarch(['restore', `${archive}:staging`, '--yes']);
	t.is(result.code, 1, result.stdout);
	t.is(
		result.stderr.trimEnd().split('\n').at(-1),
		`Error: Backup backups/${archive} is corrupt: dogs has 300 documents, the manifest says 301 (nothing was changed; restore from another backup)`,
	);
	t.deepEqual(await stagingCollections(project.db('staging')), []);
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
	const {project, archive, before} = await withBackup(t, 8000);
	const target = project.db('staging');
	// About 2 MB of documents to insert in batches of 1000 (250 kB, four at once); the gate lets 1.5 MB through, so the run is stuck in its load.
	const gate = await startGate(t, {toServer: 1_500_000});
	const child = project.spawnMonarch(['restore', `${archive}:staging`, '--yes'], {env: {STAGING_URI: gate.uri}});
	const stderr = collect(child.stderr!);
	const exited = once(child, 'exit');
	await heldOrExited(gate, exited, stderr);
	await waitFor('staging collections holding documents', async () => (await stagedDocuments(target)) > 0);
	t.is(child.exitCode, null, 'the restore is still loading');
	child.kill('SIGKILL');
	const [, signal] = await exited;
	t.is(signal, 'SIGKILL');

	const afterKill = await snapshot(target);
	const leftovers = Object.keys(afterKill).filter(name => name.startsWith('monarch_staging_'));
	t.true(leftovers.length > 0, 'the killed run left staging collections');
	for (const name of leftovers) delete afterKill[name];
	t.deepEqual(afterKill, before);

	// The next run takes the dead run's lock over at once (its pid is gone from this machine), drops its staging collections, then restores.
	const again = await project.monarch(['restore', `${archive}:staging`, '--yes', '--json']);
	t.is(again.code, 0, again.stderr);
	t.regex(again.stderr, new RegExp(`^Took over the restore lock from \\S+ \\(pid ${child.pid}\\), which is gone$`, 'm'));
	t.notRegex(again.stderr, /Waiting for the lock/);
	const {events} = JSON.parse(again.stdout) as {events: MonarchEvent[]};
	const recovered = events.flatMap(event => (event.type === 'staging:recovered' ? [event.collections] : []));
	t.deepEqual(
		recovered.map(collections => [...collections].sort()),
		[leftovers.sort()],
	);
	t.regex(again.stderr, /Dropped \d+ staging collections? left by an interrupted run/);
	t.deepEqual(await stagingCollections(target), []);
	t.deepEqual(await snapshot(target), await snapshot(project.db('development')));
	t.is(await target.collection<Loose>('monarch_locks').countDocuments(), 0);
});

test('Ctrl+C during a restore drops the staging collections and leaves the target as it was', async t => {
	const {project, archive, before} = await withBackup(t, 8000);
	const target = project.db('staging');
	const gate = await startGate(t, {toServer: 1_500_000});
	const child = project.spawnMonarch(['restore', `${archive}:staging`, '--yes'], {env: {STAGING_URI: gate.uri}});
	const stderr = collect(child.stderr!);
	const exited = once(child, 'exit');
	await heldOrExited(gate, exited, stderr);
	await waitFor('staging collections holding documents', async () => (await stagedDocuments(target)) > 0);
	// Ctrl+C while the load is held, then let the in-flight inserts finish: the run must stop and clean up.
	child.kill('SIGINT');
	await waitFor('the Ctrl+C notice', async () => stderr().includes('Stopping after the current step'));
	gate.open();
	const [code] = await exited;
	t.is(code, 130, stderr());
	t.regex(stderr(), /Cancelled/);
	t.deepEqual(await stagingCollections(target), []);
	t.deepEqual(await snapshot(target), before);
	t.is(await target.collection<Loose>('monarch_locks').countDocuments(), 0);
});

test('Ctrl+C during a backup leaves no backup behind, complete or not', async t => {
	const {project, archive} = await withBackup(t, 8000);
	const folder = path.join(project.dir, 'backups');
	// About 2 MB of documents to read; the gate lets 1 MB of the server's answers through.
	const gate = await startGate(t, {toClient: 1_000_000});
	const child = project.spawnMonarch(['backup', 'development', '--name', 'interrupted'], {env: {DEVELOPMENT_URI: gate.uri}});
	const stderr = collect(child.stderr!);
	const exited = once(child, 'exit');
	await heldOrExited(gate, exited, stderr);
	await waitFor('the partial archive', async () => (await readdir(folder)).some(name => name.startsWith('.partial-')));
	child.kill('SIGINT');
	await waitFor('the Ctrl+C notice', async () => stderr().includes('Stopping after the current step'));
	gate.open();
	const [code] = await exited;
	t.is(code, 130, stderr());
	t.deepEqual((await readdir(folder)).sort(), [archive, `${archive}.manifest.json`]);
	const listed = await project.monarch(['list_backups', '--json']);
	t.notRegex(listed.stdout, /interrupted/);
});

/** Documents in the database's staging collections. */
async function stagedDocuments(db: Db): Promise<number> {
	let count = 0;
	for (const name of await stagingCollections(db)) count += await db.collection(name).countDocuments();
	return count;
}

/** Everything a stream has produced so far, as text. */
function collect(stream: NodeJS.ReadableStream): () => string {
	let text = '';
	stream.on('data', (chunk: Buffer) => {
		text += chunk.toString();
	});
	return () => text;
}
