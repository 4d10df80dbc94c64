/**
 * A large collection is read by several cursors over `_id` ranges (README:
 * "Large collections in parallel"): backup and copy_db hold every document
 * exactly once, whatever the types of the `_id`s, and the archive stays one
 * that monarch verify and restore read.
 */
import {createHash} from 'node:crypto';
import {once} from 'node:events';
import path from 'node:path';
import {PassThrough} from 'node:stream';
import test, {type ExecutionContext} from 'ava';
import {type Db, type Document, Double, Int32, Long, ObjectId} from 'mongodb';
import {readArchiveFile} from '../source/core/archive/index.js';
import {dumpDatabase} from '../source/core/backups/dump.js';
import {idRangeFilters} from '../source/core/backups/id-ranges.js';
import type {MonarchEvent} from '../source/core/events.js';
import {type Loose, seed, snapshot, stagingCollections} from './helpers/backup-data.js';
import {heldOrExited, startGate} from './helpers/gate.js';
import {createProject, type Project, testMongoUri} from './helpers/project.js';
import {waitFor} from './helpers/wait.js';

const now = '2026-03-01T09:30:00.000Z';
const day = '2026_03_01';

/** `_id`s of every kind FerretDB v1 takes, in these numbers: ObjectIds, strings, int32/double/int64 numbers, dates, embedded documents, booleans. */
function mixedIds(counts: {objectIds: number; strings: number; numbers: number; dates: number; documents: number}): unknown[] {
	const ids: unknown[] = [];
	for (let index = 0; index < counts.objectIds; index++) ids.push(new ObjectId(index.toString(16).padStart(24, '0')));
	for (let index = 0; index < counts.strings; index++) ids.push(`key-${String(index).padStart(4, '0')}`);
	for (let index = 0; index < counts.numbers; index++) {
		// Ints, doubles and longs interleave in one numeric order.
		ids.push(index % 3 === 0 ? new Int32(index) : index % 3 === 1 ? new Double(index + 0.5) : Long.fromNumber(index * 1000));
	}

	for (let index = 0; index < counts.dates; index++) ids.push(new Date(Date.UTC(2020, 0, 1) + index * 3_600_000));
	for (let index = 0; index < counts.documents; index++) ids.push({shard: index % 7, n: index});
	ids.push(true, false);
	return ids;
}

/** Inserts one document per `_id`, in a shuffled order (so storage order is not `_id` order). */
async function insertMixed(db: Db, name: string, ids: unknown[]): Promise<void> {
	const documents = ids.map((id, index) => ({_id: id, n: index, keep: index % 3 !== 0, text: `document ${index}`}));
	for (let index = documents.length - 1; index > 0; index--) {
		const other = (index * 7919) % (index + 1);
		[documents[index], documents[other]] = [documents[other]!, documents[index]!];
	}

	await db.collection<Loose>(name).insertMany(documents);
}

const sha1 = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('hex');

/** The sorted sha1 of each document's raw BSON that `filter` matches. */
async function hashes(db: Db, name: string, filter: Document = {}): Promise<string[]> {
	const raw = (await db.collection(name).find(filter, {raw: true}).toArray()) as unknown as Buffer[];
	return raw.map(sha1).sort();
}

/** The same, per collection, of an archive's documents as they lie in it. */
async function archiveHashes(file: string): Promise<{documents: Map<string, string[]>; ends: Map<string, number>}> {
	const documents = new Map<string, string[]>();
	const ends = new Map<string, number>();
	for await (const event of readArchiveFile(file)) {
		if (event.type === 'documents')
			documents.set(event.collection, [...(documents.get(event.collection) ?? []), ...event.documents.map(sha1)]);
		if (event.type === 'end') ends.set(event.collection, event.count);
	}

	for (const list of documents.values()) list.sort();
	return {documents, ends};
}

async function splitProject(t: ExecutionContext): Promise<Project> {
	const suffix = Math.random().toString(16).slice(2, 10);
	return createProject(t, {
		now,
		environments: {staging: {uri: testMongoUri(), database: `t_${suffix}_staging`}},
		config: {backups: {local: {dir: 'backups'}, splitCollections: {minDocuments: 100}}},
	});
}

/** Runs monarch with --json: the result and every event. */
async function runJson(project: Project, args: string[]): Promise<{events: MonarchEvent[]}> {
	const run = await project.monarch([...args, '--json']);
	if (run.code !== 0) throw new Error(`monarch ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
	return JSON.parse(run.stdout) as {events: MonarchEvent[]};
}

const splits = (events: MonarchEvent[]) =>
	Object.fromEntries(
		events.flatMap(event =>
			event.type === 'dump:collection-split' ? [[event.collection, {documents: event.documents, ranges: event.ranges}]] : [],
		),
	);

test('the _id ranges of a collection with mixed _id types match every document exactly once, with and without a filter', async t => {
	const project = await createProject(t);
	const db = project.db();
	// ObjectIds hold most boundaries here: ranges of ObjectIds, every other type in the remainder.
	await insertMixed(db, 'mostly_object_ids', mixedIds({objectIds: 300, strings: 80, numbers: 90, dates: 40, documents: 30}));
	// Here numbers do: ranges across int32, double and int64 values.
	await insertMixed(db, 'mostly_numbers', mixedIds({objectIds: 40, strings: 30, numbers: 400, dates: 20, documents: 20}));

	// Boundaries every quarter of the sorted _ids; those of the bracket most fall in make the ranges (3 make 4 ranges, 2 make 3), plus the remainder.
	const expected = {mostly_object_ids: 4, mostly_numbers: 5};
	for (const [name, length] of Object.entries(expected)) {
		for (const filter of [undefined, {keep: true}]) {
			const all = await hashes(db, name, filter);
			const filters = await idRangeFilters(db.collection(name), filter, {parts: 4, expected: all.length, signal: undefined});
			t.is(filters.length, length, `${name} ${JSON.stringify(filter)}: ranges and the remainder`);
			const parts = await Promise.all(filters.map(async range => hashes(db, name, range)));
			t.true(
				parts.every(part => part.length > 0),
				`${name}: every range and the remainder hold documents (${parts.map(part => part.length).join(', ')})`,
			);
			t.deepEqual(parts.flat().sort(), all, `${name} ${JSON.stringify(filter)}: every document once`);
		}
	}

	// With no boundary of a comparable type (booleans and embedded documents bound no range), the collection is read whole.
	await db.collection<Loose>('unbounded').insertMany([{_id: true}, {_id: false}, {_id: {a: 1}}, {_id: {a: 2}}]);
	t.deepEqual(await idRangeFilters(db.collection('unbounded'), undefined, {parts: 4, expected: 4, signal: undefined}), [{}]);
});

test('a backup reads a large collection in _id ranges; verify passes, the archive holds every document once, restore brings it back byte for byte', async t => {
	const project = await splitProject(t);
	const db = project.db('development');
	await seed(db, {dogs: 700});
	await insertMixed(db, 'mixed', mixedIds({objectIds: 250, strings: 120, numbers: 120, dates: 60, documents: 50}));

	const {events} = await runJson(project, ['backup', 'development']);
	t.deepEqual(splits(events), {dogs: {documents: 700, ranges: 5}, mixed: {documents: 602, ranges: 4}});

	const archive = `${project.databases.development}__${day}.archive.gz`;
	const verified = await project.monarch(['verify', archive]);
	t.is(verified.code, 0, verified.stderr);
	t.regex(verified.stdout, /: 5 collections, 1306 documents .*every CRC and count/);

	const {documents, ends} = await archiveHashes(path.join(project.dir, 'backups', archive));
	for (const name of ['dogs', 'mixed', 'owners', 'monarch_migrations']) {
		const expected = await hashes(db, name);
		t.deepEqual(documents.get(name), expected, `${name}: every document once`);
		t.is(ends.get(name), expected.length, `${name}: the archive's count`);
	}

	t.is(ends.get('empty'), 0);
	const restored = await project.monarch(['restore', `${archive}:staging`, '--yes']);
	t.is(restored.code, 0, restored.stderr);
	t.deepEqual(await snapshot(project.db('staging')), await snapshot(db));
});

test('copy_db reads a large collection in _id ranges into one staging collection: the target equals the source', async t => {
	const project = await splitProject(t);
	const db = project.db('development');
	await seed(db, {dogs: 400});
	await insertMixed(db, 'mixed', mixedIds({objectIds: 90, strings: 200, numbers: 60, dates: 30, documents: 20}));
	await project.db('staging').collection<Loose>('leftover').insertOne({_id: 1});

	const {events} = await runJson(project, ['copy_db', 'development:staging', '--yes']);
	t.deepEqual(splits(events), {dogs: {documents: 400, ranges: 5}, mixed: {documents: 402, ranges: 4}});
	const loaded = events.flatMap(event => (event.type === 'staging:collection-loaded' ? [[event.collection, event.documents]] : []));
	t.deepEqual(
		Object.fromEntries(loaded),
		{dogs: 400, mixed: 402, owners: 3, empty: 0, monarch_migrations: 1},
		'each collection finished once, with its whole count',
	);
	t.is(loaded.length, 5);

	const staging = project.db('staging');
	for (const name of ['dogs', 'mixed']) t.deepEqual(await hashes(staging, name), await hashes(db, name), `${name}: every document once`);
	t.deepEqual(await snapshot(staging), await snapshot(db));
	t.deepEqual(await stagingCollections(staging), []);
});

test('Ctrl+C during a split copy_db stops every range cursor: the staging collection is dropped, the target is as it was', async t => {
	const suffix = Math.random().toString(16).slice(2, 10);
	const project = await createProject(t, {
		environments: {staging: {uri: `\${STAGING_URI:-${testMongoUri()}}`, database: `t_${suffix}_staging`}},
		config: {backups: {splitCollections: {minDocuments: 1000}}},
	});
	await seed(project.db('development'), {dogs: 8000});
	const target = project.db('staging');
	await target.collection<Loose>('orders').insertMany([
		{_id: 1, total: 10},
		{_id: 2, total: 20},
	]);
	const before = await snapshot(target);
	// The inserts into the target pass until 1.5 MB, then are held (the dogs are about 3 MB).
	const gate = await startGate(t, {toServer: 1_500_000});
	const child = project.spawnMonarch(['copy_db', 'development:staging', '--yes', '--verbose'], {env: {STAGING_URI: gate.uri}});
	let stderr = '';
	let stdout = '';
	child.stderr!.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
	});
	child.stdout!.on('data', (chunk: Buffer) => {
		stdout += chunk.toString();
	});
	const exited = once(child, 'exit');
	await heldOrExited(gate, exited, () => stderr);
	await waitFor('the split line', async () => /dogs: 8000 documents read by 5 cursors over _id ranges/.test(stdout + stderr));
	await waitFor('the staging collection of dogs holding documents', async () => {
		const [name] = (await stagingCollections(target)).filter(entry => entry.endsWith('_dogs'));
		return name !== undefined && (await target.collection(name).estimatedDocumentCount()) > 0;
	});
	child.kill('SIGINT');
	await waitFor('the Ctrl+C notice', async () => stderr.includes('Stopping after the current step'));
	gate.open();
	const [code] = await exited;
	t.is(code, 130, stderr);
	t.deepEqual(await stagingCollections(target), []);
	t.deepEqual(await snapshot(target), before);
	t.is(await target.collection<Loose>('monarch_locks').countDocuments(), 0);
});

test("a split dump reports each collection's progress summed over its ranges, and the whole", async t => {
	const project = await createProject(t);
	const db = project.db();
	await seed(db, {dogs: 2500});
	const events: MonarchEvent[] = [];
	const output = new PassThrough();
	output.resume();
	const result = await dumpDatabase({
		db,
		output,
		label: 'dump',
		splitCollections: {minDocuments: 1000},
		events: event => events.push(event),
	});
	t.deepEqual(splits(events), {dogs: {documents: 2500, ranges: 5}});
	const last = (task: string) =>
		events.filter((event): event is Extract<MonarchEvent, {type: 'progress'}> => event.type === 'progress' && event.task === task).at(-1);
	t.like(last('dump: dogs'), {done: 2500, total: 2500});
	t.like(last('dump'), {done: 2504, total: 2504});
	const dogs = events.filter(
		(event): event is Extract<MonarchEvent, {type: 'progress'}> => event.type === 'progress' && event.task === 'dump: dogs',
	);
	t.true(
		dogs.every((event, index) => index === 0 || event.done > dogs[index - 1]!.done),
		'the count only grows',
	);
	t.like(
		result.collections.find(entry => entry.name === 'dogs'),
		{count: 2500},
	);
});

test('backups.splitCollections is checked: a bad value is one line naming the field', async t => {
	const project = await createProject(t, {config: {backups: {local: {dir: 'backups'}, splitCollections: {minDocuments: 2.5}}}});
	const run = await project.monarch(['backup', 'development']);
	t.is(run.code, 2, run.stderr);
	t.regex(
		run.stderr.trimEnd().split('\n').at(-1)!,
		/monarch\.json: backups\.splitCollections\.minDocuments: expected int, got number 2\.5/,
	);

	await project.writeConfig({
		environments: {development: {uri: testMongoUri(), database: project.databases.development}},
		backups: {splitCollections: {minDocuments: 1}},
	});
	const one = await project.monarch(['backup', 'development']);
	t.is(one.code, 2, one.stderr);
	t.regex(one.stderr.trimEnd().split('\n').at(-1)!, /monarch\.json: backups\.splitCollections\.minDocuments: at least 2 documents/);

	await project.writeConfig({
		environments: {development: {uri: testMongoUri(), database: project.databases.development}},
		backups: {splitCollections: {minDocuments: 500, documents: 10}},
	});
	const unknown = await project.monarch(['backup', 'development']);
	t.is(unknown.code, 2, unknown.stderr);
	t.regex(unknown.stderr, /backups\.splitCollections: unknown field "documents"/);
});
