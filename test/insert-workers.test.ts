/**
 * Restore, restore --file, copy_db and rehearse insert through a pool of
 * worker threads (`--workers`; 0 inserts on the main thread): the target ends byte
 * for byte equal to the source whatever the count; an insert refused in any
 * worker stops the job and discards the staging collections; Ctrl+C stops
 * every worker; and a process that lives on (the TUI's) keeps no worker
 * thread after a job, finished, failed or cancelled.
 */
import {once} from 'node:events';
import {createWriteStream} from 'node:fs';
import {readdir} from 'node:fs/promises';
import path from 'node:path';
import {Readable} from 'node:stream';
import test, {type ExecutionContext} from 'ava';
import {serialize} from 'bson';
import {Int32, MongoClient} from 'mongodb';
import {createCliPrompter} from '../source/cli/prompter.js';
import {ArchiveWriter} from '../source/core/archive/index.js';
import {loadConfig} from '../source/core/config/load.js';
import {describeError, MonarchError} from '../source/core/errors.js';
import type {MonarchEvent} from '../source/core/events.js';
import {InsertPool, liveInsertWorkers} from '../source/core/restore/insert-pool.js';
import {restore} from '../source/core/restore/restore.js';
import {restoreArchiveFile} from '../source/core/restore/restore-file.js';
import {defaultWorkers} from '../source/core/restore/workers.js';
import {type Loose, seed, seededCounts, snapshot, stagingCollections} from './helpers/backup-data.js';
import {heldOrExited, startGate} from './helpers/gate.js';
import {createProject, migrationSource, type Project, testMongoUri} from './helpers/project.js';
import {waitFor} from './helpers/wait.js';

const now = '2026-03-01T09:30:00.000Z';

/** development (seeded with `dogs` dogs and backed up), and staging and production holding other data; STAGING_URI can point one run at a gate. */
async function withBackup(t: ExecutionContext, options: {dogs?: number; stagingUri?: string} = {}) {
	const suffix = Math.random().toString(16).slice(2, 10);
	const project = await createProject(t, {
		now,
		environments: {
			staging: {uri: options.stagingUri ?? `\${STAGING_URI:-${testMongoUri()}}`, database: `t_${suffix}_staging`},
			production: {uri: testMongoUri(), database: `t_${suffix}_prod`, protected: true},
		},
		config: {backups: {local: {dir: 'backups'}}},
	});
	await seed(project.db('development'), {dogs: options.dogs ?? 3500});
	await project
		.db('staging')
		.collection<Loose>('orders')
		.insertMany([
			{_id: 1, total: 10},
			{_id: 2, total: 20},
		]);
	const backedUp = await project.monarch(['backup', 'development']);
	if (backedUp.code !== 0) throw new Error(backedUp.stderr);
	return {project, archive: `${project.databases.development}__2026_03_01.archive.gz`, before: await snapshot(project.db('staging'))};
}

/** The core's options as the TUI passes them: the project's config, a prompter that is never asked (`yes`), events, a signal. */
async function coreOptions(project: Project, events: MonarchEvent[], signal?: AbortSignal) {
	return {
		config: await loadConfig({cwd: project.dir}),
		yes: true,
		prompter: createCliPrompter({params: new Map(), input: Readable.from([])}),
		events: (event: MonarchEvent) => events.push(event),
		signal,
	};
}

/**
 * A mongodump archive file of one database whose `dogs` are written in
 * batches of 500 and whose last batch repeats the first dog's `_id`: a
 * sound archive (every CRC and count right) that no server can load.
 */
async function archiveWithDuplicate(file: string, database: string, dogs: number): Promise<void> {
	const writer = new ArchiveWriter(createWriteStream(file), {
		serverVersion: '7.0.14',
		toolVersion: '100.10.0',
		concurrentCollections: 4,
		gzip: true,
	});
	await writer.writePrelude([
		{
			db: database,
			collection: 'dogs',
			type: 'collection',
			metadata: {options: {}, indexes: [{v: 2, key: {_id: 1}, name: '_id_'}], collectionName: 'dogs', type: 'collection'},
		},
	]);
	for (let start = 0; start < dogs; start += 500) {
		const batch = Array.from({length: Math.min(500, dogs - start)}, (_, index) =>
			serialize({_id: start + index, name: `dog ${start + index}`, age: new Int32(index % 17)}),
		);
		await writer.writeDocuments(database, 'dogs', batch);
	}

	await writer.writeDocuments(database, 'dogs', [serialize({_id: 0, name: 'the first dog again'})]);
	await writer.endCollection(database, 'dogs');
	await writer.finish();
}

/** Everything a stream has produced so far, as text. */
function collect(stream: NodeJS.ReadableStream): () => string {
	let text = '';
	stream.on('data', (chunk: Buffer) => {
		text += chunk.toString();
	});
	return () => text;
}

async function stagedDocuments(project: Project, environment: string): Promise<number> {
	let count = 0;
	for (const name of await stagingCollections(project.db(environment)))
		count += await project.db(environment).collection(name).countDocuments();
	return count;
}

for (const workers of ['0', '1', '3']) {
	test(`restore --workers ${workers} makes the target byte for byte equal to the backup's source`, async t => {
		const {project, archive} = await withBackup(t);
		const result = await project.monarch(['restore', `${archive}:staging`, '--yes', '--workers', workers]);
		t.is(result.code, 0, result.stderr);
		t.regex(result.stdout, /into staging \(database t_\w+\): 4 collections, 3504 documents\./);
		t.deepEqual(await snapshot(project.db('staging')), await snapshot(project.db('development')));
		t.deepEqual(await stagingCollections(project.db('staging')), []);
	});

	test(`copy_db --workers ${workers} makes the target byte for byte equal to the source`, async t => {
		const {project} = await withBackup(t);
		const result = await project.monarch(['copy_db', 'development:staging', '--yes', '--workers', workers]);
		t.is(result.code, 0, result.stderr);
		t.regex(result.stdout, /into staging \(database t_\w+\): 4 collections, 3504 documents\./);
		t.deepEqual(await snapshot(project.db('staging')), await snapshot(project.db('development')));
		t.deepEqual(await stagingCollections(project.db('staging')), []);
	});
}

test('by default the main thread inserts on 2 cores or fewer (measured faster there); above, one worker per core less one, at most 4', t => {
	t.deepEqual(
		[1, 2, 3, 4, 5, 8, 64].map(cores => defaultWorkers(cores)),
		[0, 0, 2, 3, 4, 4, 4],
	);
});

test('rehearse --workers 2 copies through the pool and runs the pending migration on the copy', async t => {
	const suffix = Math.random().toString(16).slice(2, 10);
	const project = await createProject(t, {
		now,
		environments: {production: {uri: testMongoUri(), database: `t_${suffix}_prod`, protected: true}},
		migrations: {
			'20260201000000_count_dogs.ts': migrationSource(
				'CountDogs',
				"\t\tthis.log(`${await this.database.collection('dogs').countDocuments()} dogs`);",
			),
		},
	});
	t.teardown(async () =>
		project.client
			.db(`${project.databases.production}_rehearsal_20260301_093000`)
			.dropDatabase()
			.catch(() => {}),
	);
	await seed(project.db('production'), {dogs: 1500});
	const result = await project.monarch(['rehearse', 'production', '--workers', '2', '--json']);
	t.is(result.code, 0, result.stderr);
	const report = JSON.parse(result.stdout) as {verdict: {passed: boolean}; copied: {documents: number}; migrations: Array<{log: string[]}>};
	t.true(report.verdict.passed);
	t.is(report.copied.documents, 1500 + seededCounts.owners);
	t.deepEqual(
		report.migrations.map(migration => migration.log),
		[['1500 dogs']],
	);
});

for (const value of ['x', '1.5', '-2', '65']) {
	test(`--workers ${value} is refused in one line naming --workers, before anything is touched`, async t => {
		const {project, archive, before} = await withBackup(t, {dogs: 10});
		const runs = [
			['restore', `${archive}:staging`, '--yes', '--workers', value],
			['restore', `${archive}:staging`, '--file', '--yes', '--workers', value],
			['copy_db', 'development:staging', '--yes', '--workers', value],
			['rehearse', 'development', '--workers', value],
		];
		for (const args of runs) {
			const result = await project.monarch(args);
			t.is(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
			t.is(
				result.stderr,
				`Error: --workers ${value}: must be a whole number from 0 to 64; nothing was changed (e.g. --workers 4, 0 for the main thread, or leave it out for the default)\n`,
			);
			t.is(result.stdout, '');
		}

		t.deepEqual(await snapshot(project.db('staging')), before);
		t.deepEqual((await readdir(path.join(project.dir, 'backups'))).length, 2, 'no safety backup, nothing else written');
	});
}

test('an insert refused in one of several workers stops the restore: staging discarded, target unchanged, one line, exit 1', async t => {
	const {project, before} = await withBackup(t, {dogs: 10});
	const file = path.join(project.dir, 'duplicate.archive.gz');
	await archiveWithDuplicate(file, 'shop', 3000);
	const result = await project.monarch(['restore', `${file}:staging`, '--file', '--yes', '--workers', '3']);
	t.is(result.code, 1, result.stdout);
	// Progress lines, then the server's refusal in one line.
	const lines = result.stderr.trimEnd().split('\n');
	t.regex(lines.at(-2)!, /^Error: E11000 duplicate key/);
	t.is(lines.at(-1), '(run with --verbose for the stack trace)');
	t.notRegex(result.stderr, /^\s+at /m, 'no stack trace');
	t.deepEqual(await stagingCollections(project.db('staging')), []);
	t.deepEqual(await snapshot(project.db('staging')), before);
	t.is(await project.db('staging').collection<Loose>('monarch_locks').countDocuments(), 0);
});

test('Ctrl+C during a restore with three workers: every worker stops, the process exits 130, staging dropped, target unchanged', async t => {
	const {project, archive, before} = await withBackup(t, {dogs: 8000});
	// About 2 MB of documents in batches of 1000 (250 kB); the gate lets 1.5 MB through to the server, so the run is stuck in its load.
	const gate = await startGate(t, {toServer: 1_500_000});
	const child = project.spawnMonarch(['restore', `${archive}:staging`, '--yes', '--workers', '3'], {env: {STAGING_URI: gate.uri}});
	const stderr = collect(child.stderr!);
	const exited = once(child, 'exit');
	await heldOrExited(gate, exited, stderr);
	await waitFor('staging collections holding documents', async () => (await stagedDocuments(project, 'staging')) > 0);
	t.is(child.exitCode, null, 'the restore is still loading');
	child.kill('SIGINT');
	await waitFor('the Ctrl+C notice', async () => stderr().includes('Stopping after the current step'));
	gate.open();
	// The process ends on its own only when no worker thread is left.
	const [code] = await exited;
	t.is(code, 130, stderr());
	t.regex(stderr(), /^Error: Cancelled/m);
	t.deepEqual(await stagingCollections(project.db('staging')), []);
	t.deepEqual(await snapshot(project.db('staging')), before);
	t.is(await project.db('staging').collection<Loose>('monarch_locks').countDocuments(), 0);
});

// In-process, as the TUI runs jobs: these count the process's worker threads, so they run one at a time.

test.serial('through the core API, a restore with three workers emits the same progress as ever, and leaves no worker thread', async t => {
	const {project, archive} = await withBackup(t);
	const events: MonarchEvent[] = [];
	const result = await restore({...(await coreOptions(project, events)), backup: archive, environment: 'staging', workers: 3});
	t.deepEqual(result.collections, [
		{name: 'dogs', count: 3500},
		{name: 'empty', count: 0},
		{name: 'monarch_migrations', count: 1},
		{name: 'owners', count: 3},
	]);
	t.is(liveInsertWorkers(), 0);
	t.deepEqual(await snapshot(project.db('staging')), await snapshot(project.db('development')));

	// Per task, counts that only grow, ending at the total; the overall task too.
	const progress = events.filter((event): event is Extract<MonarchEvent, {type: 'progress'}> => event.type === 'progress');
	const tasks = new Map<string, Array<{done: number; total: number | undefined}>>();
	for (const event of progress) tasks.set(event.task, [...(tasks.get(event.task) ?? []), {done: event.done, total: event.total}]);
	t.deepEqual([...tasks.keys()].sort(), [
		'restore staging',
		'restore staging: dogs',
		'restore staging: empty',
		'restore staging: monarch_migrations',
		'restore staging: owners',
	]);
	for (const [task, updates] of tasks) {
		t.true(
			updates.every((update, index) => index === 0 || update.done > updates[index - 1]!.done),
			`${task}: ${JSON.stringify(updates)}`,
		);
		t.deepEqual(updates.at(-1), {done: updates.at(-1)!.total, total: updates.at(-1)!.total}, task);
	}

	t.is(tasks.get('restore staging: dogs')!.at(-1)!.done, 3500);
	t.is(tasks.get('restore staging')!.at(-1)!.done, 3504);
});

test.serial(
	'through the core API, a restore cancelled while its three workers are held stops them all: no worker thread remains, staging dropped',
	async t => {
		// About 2 MB of documents in batches of 1000 (250 kB); the gate lets about two batches through, and holds every later one.
		const gate = await startGate(t, {toServer: 600_000});
		const {project, archive, before} = await withBackup(t, {dogs: 8000, stagingUri: gate.uri});
		const controller = new AbortController();
		const events: MonarchEvent[] = [];
		const running = restore({
			...(await coreOptions(project, events, controller.signal)),
			backup: archive,
			environment: 'staging',
			workers: 3,
		});
		const failed = running.then(
			() => undefined,
			(error: unknown) => error,
		);
		await Promise.race([
			gate.held,
			failed.then(error => {
				throw new Error(`the restore ended before the gate held it: ${describeError(error)}`);
			}),
		]);
		// Every batch sent waits at the gate, so each new one starts a worker, up to three.
		await waitFor('three insert workers', async () => liveInsertWorkers() === 3);
		controller.abort();
		gate.open();
		const error = await failed;
		t.true(error instanceof MonarchError && error.code === 'cancelled', describeError(error));
		t.regex(describeError(error), /^Cancelled /);
		t.is(liveInsertWorkers(), 0);
		t.deepEqual(await stagingCollections(project.db('staging')), []);
		t.deepEqual(await snapshot(project.db('staging')), before);
	},
);

test.serial(
	"through the core API, a restore whose insert is refused in one of three workers fails with the server's line, and no worker thread remains",
	async t => {
		const {project, before} = await withBackup(t, {dogs: 10});
		const file = path.join(project.dir, 'duplicate.archive.gz');
		await archiveWithDuplicate(file, 'shop', 3000);
		const events: MonarchEvent[] = [];
		const error = await t.throwsAsync(
			restoreArchiveFile({...(await coreOptions(project, events)), file, environment: 'staging', workers: 3}),
		);
		t.regex(describeError(error), /duplicate key/i);
		t.false(describeError(error).includes('\n'));
		t.is((error as {code?: unknown}).code, 11000);
		t.is(liveInsertWorkers(), 0);
		t.deepEqual(await stagingCollections(project.db('staging')), []);
		t.deepEqual(await snapshot(project.db('staging')), before);
	},
);

test.serial('a worker that dies fails the batch it held with one line, and the pool closes', async t => {
	// A URI the driver refuses to parse: the worker throws as it starts, and its thread ends.
	const unused = new MongoClient(testMongoUri());
	const pool = new InsertPool({
		target: {name: 'broken', uri: 'mongodb://', database: 'x', hosts: [], displayUri: 'mongodb://'},
		db: unused.db('x'),
		workers: 2,
		label: 'restore broken',
	});
	const error = await t.throwsAsync(pool.insert('dogs', [serialize({_id: 1})]));
	t.true(error instanceof MonarchError && error.code === 'internal', String(error));
	t.regex(describeError(error), /^restore broken: insert worker 1 of 2 stopped \(.+\)(, with 1 batch of dogs in flight)?$/);
	await t.throwsAsync(pool.insert('dogs', [serialize({_id: 2})]), {message: /insert worker 1 of 2 stopped/});
	await pool.close();
	t.is(liveInsertWorkers(), 0);
});
