import {Readable} from 'node:stream';
import test, {type ExecutionContext} from 'ava';
import {type Document, serialize} from 'bson';
import type {ArchiveCollection, ArchiveInput, ReadArchiveOptions} from '../../source/core/archive/index.js';
import {isMonarchError, type MonarchError} from '../../source/core/errors.js';
import {chunked, readAll, writeToBuffer} from './helpers.js';

const bsonOf = (document: Document) => Buffer.from(serialize(document));
const entry = (collection: string, type: ArchiveCollection['type'] = 'collection'): ArchiveCollection => ({
	db: 'db',
	collection,
	type,
	metadata: {indexes: [], collectionName: collection, type},
});

/** A small archive: two interleaved collections, an empty one and a view. */
async function sampleArchive(gzip = false): Promise<Buffer> {
	const {bytes} = await writeToBuffer(
		async writer => {
			await writer.writePrelude([entry('a'), entry('b'), entry('empty'), entry('view', 'view')]);
			await writer.writeDocuments('db', 'a', [bsonOf({_id: 1, marker: 'MARKER-ONE'}), bsonOf({_id: 2})]);
			await writer.writeDocuments('db', 'b', [bsonOf({_id: 1, text: 'bee'})]);
			await writer.endCollection('db', 'empty');
			await writer.writeDocuments('db', 'a', [bsonOf({_id: 3, marker: 'MARKER-TWO'})]);
			await writer.endCollection('db', 'a');
			await writer.endCollection('db', 'view');
			await writer.writeDocuments('db', 'b', [bsonOf({_id: 2})]);
			await writer.endCollection('db', 'b');
		},
		{gzip},
	);
	return bytes;
}

/** Reads the input to the end and returns the MonarchError it must fail with, failing the test on a hang or success. */
async function corruptError(t: ExecutionContext, input: ArchiveInput, options: ReadArchiveOptions = {}, label = ''): Promise<MonarchError> {
	let timer: NodeJS.Timeout | undefined;
	const hang = new Promise<never>((_resolve, reject) => {
		timer = setTimeout(() => reject(new Error(`reading hung ${label}`)), 60_000); // a failure bound for a hang, not a pace
	});
	try {
		await Promise.race([readAll(input, options), hang]);
	} catch (error) {
		if (isMonarchError(error) && error.code === 'corrupt') return error;
		t.fail(`${label}: expected a corrupt MonarchError, got ${String(error)}`);
		throw error;
	} finally {
		clearTimeout(timer);
	}

	t.fail(`${label}: the damaged archive was read without an error`);
	throw new Error('unreachable');
}

test('a flipped byte inside a document is a CRC mismatch naming the namespace and the file', async t => {
	const bytes = await sampleArchive();
	const at = bytes.indexOf('MARKER-TWO');
	const damaged = Buffer.from(bytes);
	damaged[at + 3] = damaged[at + 3]! ^ 0x01;
	const error = await corruptError(t, damaged, {source: 'backups/2024.archive'});
	t.regex(error.message, /^Archive backups\/2024\.archive is corrupt at byte \d+: CRC mismatch for db\.a /);
	t.false(error.message.includes('\n'));
	t.truthy(error.hint);
	t.is(error.exitCode, 1);
});

test('a flipped byte in the CRC of an EOF header is a CRC mismatch', async t => {
	const bytes = await sampleArchive();
	// The EOF header of db.b is the last document; its CRC is the int64 before the document's NUL.
	const damaged = Buffer.from(bytes);
	const crcByte = damaged.length - 4 - 1 - 3;
	damaged[crcByte] = damaged[crcByte]! ^ 0x80;
	const error = await corruptError(t, damaged);
	t.regex(error.message, /CRC mismatch for db\.b/);
});

test('every possible truncation of a plain archive is corrupt, never a hang or a short read', async t => {
	const bytes = await sampleArchive();
	t.is((await readAll(bytes)).filter(event => event.type === 'end').length, 4);
	for (let cut = 0; cut < bytes.length; cut++) {
		const prefix = bytes.subarray(0, cut);
		const error = await corruptError(t, prefix, {}, `cut at ${cut}`);
		t.regex(error.message, /(is empty|is corrupt at byte \d+:)/, `cut at ${cut}`);
		if (cut % 7 === 0) await corruptError(t, Readable.from(chunked(prefix, [1, 2, 5])), {}, `cut at ${cut} in small chunks`);
	}
});

test('every possible truncation of a gzipped archive is corrupt', async t => {
	const bytes = await sampleArchive(true);
	t.is((await readAll(bytes)).filter(event => event.type === 'end').length, 4);
	const messages = new Set<string>();
	for (let cut = 0; cut < bytes.length; cut++) {
		const error = await corruptError(t, Readable.from(chunked(bytes.subarray(0, cut), [64])), {}, `gzip cut at ${cut}`);
		messages.add(error.message.replace(/\d+/g, 'N'));
	}

	t.true([...messages].some(message => message.includes('gzip stream ends early')));
});

test('bad magic numbers are corrupt with a hint', async t => {
	for (const input of [Buffer.from('hello world, not an archive'), Buffer.from([0, 0, 0, 0, 1, 2, 3, 4]), bsonOf({a: 1})]) {
		const error = await corruptError(t, input, {source: 'x.bin'});
		t.regex(error.message, /^Archive x\.bin is not a mongodump archive \(it starts with 0x[\da-f]{8}\)$/);
		t.regex(error.hint!, /mongodump archive/);
	}
});

test('a gzipped archive read as plain says it is gzipped; plain data read as gzip is corrupt', async t => {
	const gzipped = await sampleArchive(true);
	const error = await corruptError(t, gzipped, {gzip: false});
	t.regex(error.hint!, /gzip/);
	const plain = await sampleArchive();
	const notGzip = await corruptError(t, plain, {gzip: true});
	t.regex(notGzip.message, /gzip stream is damaged/);
});

test('a damaged gzip stream is corrupt', async t => {
	const bytes = await sampleArchive(true);
	for (const at of [12, Math.floor(bytes.length / 2), bytes.length - 6]) {
		const damaged = Buffer.from(bytes);
		damaged[at] = damaged[at]! ^ 0xff;
		const error = await corruptError(t, damaged, {}, `gzip byte ${at}`);
		t.is(error.code, 'corrupt');
	}
});

// Hand-made archives for the structural errors.
const magic = Buffer.from([0x6d, 0xe2, 0x99, 0x81]);
const terminator = Buffer.from([0xff, 0xff, 0xff, 0xff]);
const header = bsonOf({concurrent_collections: 4, version: '0.1', server_version: '7.0.0', tool_version: 'x'});
const preludeEntry = (collection: string, metadata = '{"indexes":[],"collectionName":"c"}') =>
	bsonOf({db: 'db', collection, metadata, size: 0, type: 'collection'});
const namespaceHeader = (collection: string, eof = false, crc = 0n) => bsonOf({db: 'db', collection, EOF: eof, CRC: crc});
const prelude = Buffer.concat([magic, header, preludeEntry('c'), terminator]);

test('structural errors are corrupt with a precise message', async t => {
	const cases: Array<[string, Buffer, RegExp]> = [
		['terminator instead of the header', Buffer.concat([magic, terminator]), /archive header is missing/],
		['two terminators in a row', Buffer.concat([prelude, terminator]), /two terminators in a row/],
		[
			'a length below five',
			Buffer.concat([prelude, Buffer.from([3, 0, 0, 0])]),
			/byte \d+: 3 is neither a BSON document length nor a terminator$/,
		],
		['a negative length', Buffer.concat([prelude, Buffer.from([0xfe, 0xff, 0xff, 0xff])]), /-2 is neither/],
		['a length past 16 MiB', Buffer.concat([prelude, Buffer.from([1, 0, 0, 1])]), /16777217 is neither/],
		['a document without its NUL', Buffer.concat([prelude, Buffer.from([5, 0, 0, 0, 1])]), /does not end with a NUL byte/],
		[
			'data for a namespace not in the prelude',
			Buffer.concat([prelude, namespaceHeader('other'), terminator]),
			/db\.other has data but is not in the prelude/,
		],
		[
			'data after an EOF header',
			Buffer.concat([prelude, namespaceHeader('c', true), bsonOf({a: 1}), terminator]),
			/a document follows the EOF header of db\.c/,
		],
		[
			'a namespace reopened after its EOF',
			Buffer.concat([prelude, namespaceHeader('c', true), terminator, namespaceHeader('c'), terminator]),
			/db\.c has data after its EOF header/,
		],
		['a namespace header without a collection', Buffer.concat([prelude, bsonOf({db: 'db'}), terminator]), /has no collection name/],
		[
			'a namespace header of the wrong shape',
			Buffer.concat([prelude, bsonOf({db: 'db', collection: 'c', EOF: 'yes'}), terminator]),
			/field "EOF" is not a boolean/,
		],
		[
			'an unreadable control document',
			Buffer.concat([prelude, Buffer.from([12, 0, 0, 0, 0x02, 0x61, 0, 0x10, 0, 0, 0, 0])]),
			/unreadable namespace header/,
		],
		[
			'bad metadata JSON',
			Buffer.concat([magic, header, preludeEntry('c', '{"indexes": ['), terminator]),
			/metadata of db\.c is not valid Extended JSON/,
		],
		[
			'a duplicated prelude entry',
			Buffer.concat([magic, header, preludeEntry('c'), preludeEntry('c'), terminator]),
			/db\.c is twice in the prelude/,
		],
		[
			'a prelude namespace that never ends',
			Buffer.concat([prelude, namespaceHeader('c'), bsonOf({a: 1}), terminator]),
			/ends before db\.c ended/,
		],
		[
			'trailing bytes',
			Buffer.concat([prelude, namespaceHeader('c', true), terminator, Buffer.from([1, 2])]),
			/ends in the middle of a namespace block/,
		],
		[
			'an EOF header without its terminator',
			Buffer.concat([prelude, namespaceHeader('c', true)]),
			/ends in the middle of a namespace block/,
		],
	];
	for (const [label, bytes, pattern] of cases) {
		const error = await corruptError(t, bytes, {source: 'f.archive'}, label);
		t.regex(error.message, pattern, label);
		t.regex(error.message, /^Archive f\.archive is corrupt at byte \d+: /, label);
	}
});

test('a hand-made archive with the right CRC is read', async t => {
	const document = bsonOf({a: 1});
	const {crc64} = await import('../../source/core/archive/index.js');
	const bytes = Buffer.concat([
		prelude,
		namespaceHeader('c'),
		document,
		terminator,
		namespaceHeader('c', true, BigInt.asIntN(64, crc64(document))),
		terminator,
	]);
	const events = await readAll(bytes);
	t.is(events.at(-1)?.type, 'end');
});

test('an empty input is corrupt', async t => {
	const error = await corruptError(t, Readable.from([]), {source: 'empty.archive.gz'});
	t.is(error.message, 'Archive empty.archive.gz is empty');
});
