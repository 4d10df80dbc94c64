import {createWriteStream} from 'node:fs';
import {readdir, readFile, stat, truncate, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {serialize} from 'bson';
import {type Db, type Document, Timestamp} from 'mongodb';
import {type ArchiveCollection, ArchiveWriter} from '../source/core/archive/index.js';
import {type Loose, seed, snapshot, stagingCollections} from './helpers/backup-data.js';
import {createProject, testMongoUri} from './helpers/project.js';

const goFixture = fileURLToPath(new URL('archive/fixtures/mongodump.archive.gz', import.meta.url));

/**
 * Writes what `mongodump --db <db> --archive=<file> [--gzip] --oplog` would: no
 * manifest, the source's database name, listCollections options and listIndexes
 * specs in each collection's metadata, documents as raw BSON, and the
 * top-level oplog entry (database '', type '', no metadata).
 */
async function mongodump(db: Db, file: string, options: {gzip: boolean}): Promise<void> {
	const readOptions = {promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true} as const;
	const listed = (await db.listCollections({}, readOptions).toArray()) as Document[];
	const names = listed
		.map(entry => String(entry.name))
		.filter(name => !name.startsWith('system.'))
		.sort();
	const collections: ArchiveCollection[] = [];
	for (const name of names) {
		const entry = listed.find(candidate => candidate.name === name)!;
		const indexes = (await db.collection(name).listIndexes(readOptions).toArray()) as Document[];
		collections.push({
			db: db.databaseName,
			collection: name,
			type: 'collection',
			metadata: {options: (entry.options as Document | undefined) ?? {}, indexes, collectionName: name, type: 'collection'},
		});
	}

	collections.push({db: '', collection: 'oplog', type: ''});
	const writer = new ArchiveWriter(createWriteStream(file), {
		serverVersion: '7.0.14',
		toolVersion: '100.10.0',
		concurrentCollections: 4,
		gzip: options.gzip,
	});
	await writer.writePrelude(collections);
	for (const name of names) {
		const cursor = db.collection(name).find({}, {raw: true, batchSize: 500});
		let batch: Uint8Array[] = [];
		for await (const document of cursor) {
			batch.push(Buffer.from(document as unknown as Uint8Array));
			if (batch.length === 500) {
				await writer.writeDocuments(db.databaseName, name, batch);
				batch = [];
			}
		}

		if (batch.length > 0) await writer.writeDocuments(db.databaseName, name, batch);
		await writer.endCollection(db.databaseName, name);
	}

	await writer.writeDocuments('', 'oplog', [serialize({ts: new Timestamp({t: 1_700_000_000, i: 1}), op: 'n', ns: '', o: {msg: 'noop'}})]);
	await writer.endCollection('', 'oplog');
	await writer.finish();
}

/** A project whose `shop` environment (a database named unlike development's) was dumped with mongodump's conventions. */
async function dumpedProject(
	t: Parameters<typeof createProject>[0],
	options: {gzip?: boolean; dogs?: number; environments?: Record<string, Record<string, unknown>>} = {},
) {
	const suffix = Math.random().toString(16).slice(2, 10);
	const project = await createProject(t, {
		environments: {shop: {uri: testMongoUri(), database: `t_${suffix}_shop`}, ...options.environments},
		config: {backups: {local: {dir: 'backups'}}},
	});
	await seed(project.db('shop'), {dogs: options.dogs ?? 700});
	const file = path.join(project.dir, options.gzip === false ? 'shop.archive' : 'shop.archive.gz');
	await mongodump(project.db('shop'), file, {gzip: options.gzip ?? true});
	return {project, file};
}

test('restore --file loads a gzipped mongodump archive with no manifest into development, document for document with its indexes', async t => {
	const {project, file} = await dumpedProject(t);
	await project.db('development').collection<Loose>('leftover').insertOne({_id: 'stale'});
	await project.db('development').collection<Loose>('dogs').insertOne({_id: 'stray'});

	const restored = await project.monarch(['restore', `${path.basename(file)}:development`, '--file', '--yes']);
	t.is(restored.code, 0, restored.stderr);
	t.regex(
		restored.stdout,
		new RegExp(
			`Restored archive file shop\\.archive\\.gz \\(.+, database ${project.databases.shop}\\) into development \\(database ${project.databases.development}\\): 4 collections, 704 documents\\.`,
		),
	);
	t.regex(restored.stdout, /Dropped leftover \(not in the archive\)/);
	t.regex(restored.stderr, /Skipping mongodump's oplog entry/);
	t.deepEqual(await snapshot(project.db('development')), await snapshot(project.db('shop')));
	t.deepEqual((await snapshot(project.db('development'))).dogs?.indexes.map(index => index.name).sort(), ['_id_', 'age_score', 'name_1']);
	t.deepEqual(await stagingCollections(project.db('development')), []);
	// Restoring a file needs no backup folder and writes no manifest.
	t.deepEqual(
		(await readdir(project.dir)).filter(name => name === 'backups'),
		[],
	);
});

test('restore --file reads an archive that is not gzipped too', async t => {
	const {project, file} = await dumpedProject(t, {gzip: false, dogs: 50});
	const restored = await project.monarch(['restore', `${file}:development`, '--file', '--yes']);
	t.is(restored.code, 0, restored.stderr);
	t.regex(restored.stdout, /4 collections, 54 documents/);
	t.deepEqual(await snapshot(project.db('development')), await snapshot(project.db('shop')));
});

test('a truncated archive file is refused with the target unchanged', async t => {
	const {project, file} = await dumpedProject(t);
	await seed(project.db('development'), {dogs: 20});
	const before = await snapshot(project.db('development'));
	await truncate(file, Math.floor((await stat(file)).size * 0.6));

	const result = await project.monarch(['restore', `${file}:development`, '--file', '--yes']);
	t.is(result.code, 1);
	t.regex(result.stderr, /Error: Archive .*shop\.archive\.gz is corrupt: /);
	t.deepEqual(await snapshot(project.db('development')), before);
	t.deepEqual(await stagingCollections(project.db('development')), []);
});

test('an archive file with one changed byte is refused with the target unchanged', async t => {
	const {project, file} = await dumpedProject(t, {gzip: false});
	await seed(project.db('development'), {dogs: 20});
	const before = await snapshot(project.db('development'));
	const bytes = await readFile(file);
	const at = Math.floor(bytes.length / 2);
	bytes[at] = bytes[at]! ^ 0x01;
	await writeFile(file, bytes);

	const result = await project.monarch(['restore', `${file}:development`, '--file', '--yes']);
	t.is(result.code, 1);
	t.regex(result.stderr, /Error: Archive .*shop\.archive is corrupt at byte \d+: /);
	t.deepEqual(await snapshot(project.db('development')), before);
	t.deepEqual(await stagingCollections(project.db('development')), []);
});

test("a document the server cannot take because its bytes are corrupt is reported as the archive's corruption (its CRC), not as an insert error", async t => {
	const {project, file} = await dumpedProject(t, {gzip: false});
	await seed(project.db('development'), {dogs: 20});
	const before = await snapshot(project.db('development'));
	const bytes = await readFile(file);
	// The type byte of dog 3's `name` (0x02, a string) becomes one no BSON decoder knows: its batch fails to insert long before the dogs' CRC is read.
	const at = bytes.indexOf('dog 3\0') - 10;
	t.is(bytes.subarray(at, at + 6).toString('latin1'), '\u0002name\0');
	bytes[at] = 0x20;
	await writeFile(file, bytes);

	const result = await project.monarch(['restore', `${file}:development`, '--file', '--yes']);
	t.is(result.code, 1, result.stderr);
	t.regex(
		result.stderr.trimEnd().split('\n').at(-1)!,
		new RegExp(`^Error: Archive .*shop\\.archive is corrupt at byte \\d+: CRC mismatch for ${project.databases.shop}\\.dogs`),
	);
	t.deepEqual(await snapshot(project.db('development')), before);
	t.deepEqual(await stagingCollections(project.db('development')), []);
});

test('a mongodump archive of several databases needs --db, and the error lists them (the Go-written fixture)', async t => {
	const project = await createProject(t);
	await project.db('development').collection<Loose>('orders').insertOne({_id: 1, total: 10});
	const before = await snapshot(project.db('development'));

	const refused = await project.monarch(['restore', `${goFixture}:development`, '--file', '--yes']);
	t.is(refused.code, 2);
	t.regex(refused.stderr, /holds 3 databases \("shop", "metrics", "unicodé"\); pick one with --db/);
	t.deepEqual(await snapshot(project.db('development')), before);

	const unknown = await project.monarch(['restore', `${goFixture}:development`, '--file', '--yes', '--db', 'nope']);
	t.is(unknown.code, 2);
	t.regex(unknown.stderr, /has no database "nope"; it holds "shop", "metrics", "unicodé"/);
	t.deepEqual(await snapshot(project.db('development')), before);
});

test('an archive whose database name is corrupt in its collection list is called corrupt, not an archive of two databases', async t => {
	const {project, file} = await dumpedProject(t, {gzip: false, dogs: 20});
	const database = project.databases.shop!;
	const bytes = await readFile(file);
	// The first prelude entry's `db` string: one byte changed, so one collection seems to belong to another database.
	const at = bytes.indexOf(database, bytes.indexOf('db\0'));
	t.true(at > 0);
	bytes[at + database.length - 1] = 'Z'.charCodeAt(0);
	await writeFile(file, bytes);
	await project.db('development').collection<Loose>('orders').insertOne({_id: 1, total: 10});
	const before = await snapshot(project.db('development'));

	const result = await project.monarch(['restore', `${file}:development`, '--file', '--yes']);
	t.is(result.code, 1, result.stderr);
	t.regex(result.stderr, new RegExp(`^Error: Archive ${file.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')} is corrupt`, 'm'));
	t.notRegex(result.stderr, /databases/);
	t.deepEqual(await snapshot(project.db('development')), before);
});

test('an index definition the server cannot take is named in one readable line, the target unchanged', async t => {
	const {project, file} = await dumpedProject(t, {gzip: false, dogs: 20});
	const bytes = await readFile(file);
	// In the prelude's metadata (no CRC covers it), the key of dogs' index on name turns into something no server knows.
	const from = Buffer.from('"key":{"name":{"$numberInt":"1"}}');
	const at = bytes.indexOf(from);
	t.true(at > 0);
	Buffer.from('"key":{"name":{"$numbeeInt":"1"}}').copy(bytes, at);
	await writeFile(file, bytes);
	await project.db('development').collection<Loose>('orders').insertOne({_id: 1, total: 10});
	const before = await snapshot(project.db('development'));

	const result = await project.monarch(['restore', `${file}:development`, '--file', '--yes']);
	t.is(result.code, 1, result.stderr);
	const error = result.stderr.trimEnd().split('\n').at(-1)!;
	t.regex(error, /^Error: restore development: .+ refused index name_1 \(.*\) on dogs: .+; nothing was changed \(/);
	t.notRegex(error, /%!|&\{|map\[/, 'no Go formatting');
	t.deepEqual(await snapshot(project.db('development')), before);
});

test('restore --file into a protected environment needs --yes without a terminal, names the file and the target, and takes a safety backup first', async t => {
	const suffix = Math.random().toString(16).slice(2, 10);
	const {project, file} = await dumpedProject(t, {
		dogs: 30,
		environments: {production: {uri: testMongoUri(), database: `t_${suffix}_prod`}},
	});
	await project.db('production').collection<Loose>('orders').insertOne({_id: 1, total: 42});
	const productionBefore = await snapshot(project.db('production'));

	const refused = await project.monarch(['restore', `${file}:production`, '--file']);
	t.is(refused.code, 2);
	t.regex(
		refused.stderr,
		/Restore archive file .*shop\.archive\.gz \(database t_\w+_shop\) into production .* on protected environment "production"/,
	);
	t.deepEqual(await snapshot(project.db('production')), productionBefore);

	const restored = await project.monarch(['restore', `${file}:production`, '--file', '--yes']);
	t.is(restored.code, 0, restored.stderr);
	t.regex(restored.stdout, /Safety backup of production before the restore: backups\/\S+_before_restore__\S+\.archive\.gz/);
	t.deepEqual(await snapshot(project.db('production')), await snapshot(project.db('shop')));
});

test('on FerretDB, an archive with a dotted collection name is refused before the swap, and the next restore is not stuck', async t => {
	t.timeout(120_000);
	const {project, file} = await dumpedProject(t, {dogs: 20});
	const flavor = (await project.db('shop').command({buildInfo: 1})) as {ferretdbVersion?: string};
	await project
		.db('shop')
		.collection('dog.houses')
		.insertOne({_id: 1 as never, size: 'small'});
	const dotted = path.join(project.dir, 'dotted.archive.gz');
	await mongodump(project.db('shop'), dotted, {gzip: true});
	await project.db('development').collection<Loose>('dogs').insertOne({_id: 'mine'});
	const before = await snapshot(project.db('development'));

	const result = await project.monarch(['restore', `${path.basename(dotted)}:development`, '--file', '--yes']);
	if (flavor.ferretdbVersion === undefined) {
		t.is(result.code, 0, result.stderr); // a real MongoDB renames dotted names
		return;
	}

	t.is(result.code, 2);
	t.regex(result.stderr, /this server cannot rename the collection "dog\.houses" \(its name holds a dot\); nothing was changed/);
	t.deepEqual(await snapshot(project.db('development')), before);
	t.deepEqual(await stagingCollections(project.db('development')), []);

	const next = await project.monarch(['restore', `${path.basename(file)}:development`, '--file', '--yes']);
	t.is(next.code, 0, next.stderr);
	t.deepEqual(await stagingCollections(project.db('development')), []);
});
