import {createWriteStream} from 'node:fs';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {PassThrough, Writable} from 'node:stream';
import test from 'ava';
import {serialize} from 'bson';
import {type ArchiveCollection, ArchiveWriter, verifyArchive} from '../../source/core/archive/index.js';
import {isMonarchError} from '../../source/core/errors.js';
import {documentsByNamespace, readAll, writerOptions} from './helpers.js';

const entry = (collection: string): ArchiveCollection => ({
	db: 'db',
	collection,
	type: 'collection',
	metadata: {indexes: [], collectionName: collection},
});
const document = Buffer.from(serialize({a: 1}));

function memoryWriter(): ArchiveWriter {
	const output = new PassThrough();
	output.resume();
	return new ArchiveWriter(output, writerOptions);
}

test('misuse throws internal MonarchErrors and leaves the writer usable', async t => {
	const writer = memoryWriter();
	const internal = {code: 'internal', instanceOf: Error} as const;
	await t.throwsAsync(writer.writeDocuments('db', 'a', [document]), {...internal, message: /before the archive prelude/});
	await t.throwsAsync(writer.finish(), {...internal, message: /before its prelude/});
	await t.throwsAsync(writer.writePrelude([entry('a'), entry('a')]), {...internal, message: /twice in the archive prelude/});
	await t.throwsAsync(writer.writePrelude([{db: 'a.b', collection: 'c', type: 'collection'}]), {...internal, message: /holds a dot/});
	await writer.writePrelude([entry('a'), entry('b')]);
	await t.throwsAsync(writer.writePrelude([entry('a')]), {...internal, message: /already written/});
	await t.throwsAsync(writer.writeDocuments('db', 'zzz', [document]), {...internal, message: /db\.zzz is not in the archive prelude/});
	await t.throwsAsync(writer.writeDocuments('db', 'a', [Buffer.from([5, 0, 0, 0, 1])]), {
		...internal,
		message: /not one whole BSON document/,
	});
	await t.throwsAsync(writer.writeDocuments('db', 'a', [Buffer.concat([document, Buffer.from([0])])]), {
		...internal,
		message: /not one whole BSON document/,
	});
	await t.throwsAsync(writer.writeDocuments('db', 'a', [Buffer.alloc(3)]), {...internal, message: /not one whole BSON document/});
	const tooBig = Buffer.alloc(16 * 1024 * 1024 + 1);
	tooBig.writeInt32LE(tooBig.length, 0);
	await t.throwsAsync(writer.writeDocuments('db', 'a', [tooBig]), {...internal, message: /at most 16 MiB/});
	await writer.writeDocuments('db', 'a', [document]);
	await writer.endCollection('db', 'a');
	await t.throwsAsync(writer.endCollection('db', 'a'), {...internal, message: /already ended/});
	await t.throwsAsync(writer.writeDocuments('db', 'a', [document]), {...internal, message: /already ended/});
	await t.throwsAsync(writer.finish(), {...internal, message: /finished before db\.b ended/});
	await writer.endCollection('db', 'b');
	const stats = await writer.finish();
	t.deepEqual(
		stats.map(stat => stat.count),
		[1, 0],
	);
	await t.throwsAsync(writer.writeDocuments('db', 'b', [document]), {...internal, message: /already finished/});
});

test('waits for a slow output to drain and never holds more than a batch beyond its buffer', async t => {
	const received: Buffer[] = [];
	let pendingMax = 0;
	let writable!: Writable;
	writable = new Writable({
		highWaterMark: 1024,
		write(chunk: Buffer, _encoding, callback) {
			received.push(chunk);
			pendingMax = Math.max(pendingMax, writable.writableLength);
			setTimeout(callback, 1);
		},
	});
	const writer = new ArchiveWriter(writable, writerOptions);
	await writer.writePrelude([entry('a')]);
	const batch = Array.from({length: 20}, (_, index) => Buffer.from(serialize({index, pad: 'x'.repeat(100)})));
	for (let round = 0; round < 30; round++) await writer.writeDocuments('db', 'a', batch);
	await writer.endCollection('db', 'a');
	await writer.finish();
	t.true(pendingMax < 1024 + 4000, `pending ${pendingMax}`);
	const events = await readAll(Buffer.concat(received));
	t.is(documentsByNamespace(events).get('db.a')!.length, 600);
});

test('calls made without awaiting run in call order', async t => {
	const output = new PassThrough({highWaterMark: 16});
	const chunks: Buffer[] = [];
	output.on('data', (chunk: Buffer) => chunks.push(chunk));
	const writer = new ArchiveWriter(output, writerOptions);
	const documents = Array.from({length: 100}, (_, index) => Buffer.from(serialize({index})));
	const calls = [writer.writePrelude([entry('a'), entry('b')])];
	for (const [index, each] of documents.entries()) calls.push(writer.writeDocuments('db', index % 2 ? 'a' : 'b', [each]));
	calls.push(
		writer.endCollection('db', 'a').then(() => undefined),
		writer.endCollection('db', 'b').then(() => undefined),
	);
	await Promise.all(calls);
	await writer.finish();
	const read = documentsByNamespace(await readAll(Buffer.concat(chunks)));
	t.deepEqual(
		read.get('db.a'),
		documents.filter((_, index) => index % 2),
	);
	t.deepEqual(
		read.get('db.b'),
		documents.filter((_, index) => index % 2 === 0),
	);
});

test('an output error fails the pending and later calls with that error', async t => {
	const failing = new Writable({
		highWaterMark: 64,
		write(_chunk, _encoding, callback) {
			callback(new Error('disk full'));
		},
	});
	const writer = new ArchiveWriter(failing, writerOptions);
	await t.throwsAsync(
		async () => {
			await writer.writePrelude([entry('a')]);
			for (let round = 0; round < 10; round++) await writer.writeDocuments('db', 'a', [document]);
		},
		{message: 'disk full'},
	);
	await t.throwsAsync(writer.writeDocuments('db', 'a', [document]), {message: 'disk full'});
	await t.throwsAsync(writer.finish(), {message: 'disk full'});
});

test('destroy abandons the archive with a cancelled error', async t => {
	const writer = memoryWriter();
	await writer.writePrelude([entry('a')]);
	writer.destroy();
	const error = await t.throwsAsync(writer.writeDocuments('db', 'a', [document]));
	t.true(isMonarchError(error) && error.code === 'cancelled');
});

test('writes a gzipped file that finish has flushed to disk', async t => {
	const directory = await mkdtemp(join(tmpdir(), 'monarch-archive-'));
	try {
		const path = join(directory, 'backup.archive.gz');
		const writer = new ArchiveWriter(createWriteStream(path), {...writerOptions, gzip: true});
		await writer.writePrelude([entry('a')]);
		await writer.writeDocuments(
			'db',
			'a',
			Array.from({length: 1000}, () => document),
		);
		await writer.endCollection('db', 'a');
		const stats = await writer.finish();
		t.true(writer.bytesWritten > 12_000);
		const bytes = await readFile(path);
		t.deepEqual([...bytes.subarray(0, 2)], [0x1f, 0x8b]);
		const summary = await verifyArchive(bytes, {source: path});
		t.deepEqual(summary.namespaces, stats);
		t.deepEqual(writer.stats('db', 'a'), stats[0]);
		t.is(writer.stats('db', 'nope'), undefined);
	} finally {
		await rm(directory, {recursive: true, force: true});
	}
});

test('refuses more namespaces open at once than concurrentCollections, which would stall mongorestore', async t => {
	const output = new PassThrough();
	output.resume();
	const writer = new ArchiveWriter(output, {...writerOptions, concurrentCollections: 2});
	await writer.writePrelude([entry('a'), entry('b'), entry('c'), entry('view')]);
	await writer.writeDocuments('db', 'a', [document]);
	await writer.writeDocuments('db', 'b', [document]);
	await t.throwsAsync(writer.writeDocuments('db', 'c', [document]), {
		code: 'internal',
		message: /db\.c would make 3 namespaces open at once .* concurrentCollections is 2/,
	});
	await t.throwsAsync(writer.endCollection('db', 'view'), {code: 'internal', message: /concurrentCollections is 2/});
	await writer.endCollection('db', 'a');
	await writer.endCollection('db', 'view');
	await writer.writeDocuments('db', 'c', [document]);
	await writer.endCollection('db', 'b');
	await writer.endCollection('db', 'c');
	t.is((await writer.finish()).length, 4);
});
