import {createHash} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {deserialize, Int32} from 'bson';
import {type ArchiveEvent, ArchiveParser, readArchiveFile, verifyArchive} from '../../source/core/archive/index.js';
import {documentsByNamespace, endsByNamespace, readAll, writeToBuffer} from './helpers.js';

const fixture = (name: string) => new URL(`fixtures/${name}`, import.meta.url);

type Expected = {db: string; collection: string; count: number; bytes: number; crc: string; sha256: string};
const expected = JSON.parse(await readFile(fixture('mongodump.expect.json'), 'utf8')) as Expected[];

// An archive laid out by hand from the format spec; every control document is
// the hex Go's bson.Marshal gives for mongo-tools' structs.
const specArchive = Buffer.from(
	[
		'6de29981', // magic number 0x8199e26d, little-endian
		// header {concurrent_collections: int32 4, version: "0.1", server_version: "7.0.0", tool_version: "t"}
		'6000000010636f6e63757272656e745f636f6c6c656374696f6e7300040000000276657273696f6e0004000000302e3100027365727665725f76657273696f6e0006000000372e302e300002746f6f6c5f76657273696f6e0002000000740000',
		// prelude entry {db: "db", collection: "c", metadata: <canonical extended JSON>, size: int32 0, type: "collection"}
		'ce000000026462000300000064620002636f6c6c656374696f6e00020000006300026d65746164617461007f0000007b22696e6465786573223a5b7b2276223a7b22246e756d626572496e74223a2232227d2c226b6579223a7b225f6964223a7b22246e756d626572496e74223a2231227d7d2c226e616d65223a225f69645f227d5d2c22636f6c6c656374696f6e4e616d65223a2263222c2274797065223a22636f6c6c656374696f6e227d001073697a6500000000000274797065000b000000636f6c6c656374696f6e0000',
		// prelude entry {db: "db", collection: "v", metadata: "", size: 0, type: "view"}
		'4a000000026462000300000064620002636f6c6c656374696f6e00020000007600026d657461646174610001000000001073697a65000000000002747970650005000000766965770000',
		'ffffffff', // end of prelude
		// namespace header {db: "db", collection: "c", EOF: false, CRC: int64 0}
		'35000000026462000300000064620002636f6c6c656374696f6e0002000000630008454f4600001243524300000000000000000000',
		'0c0000001061000100000000', // {a: int32 1}
		'ffffffff',
		// EOF header {db: "db", collection: "c", EOF: true, CRC: int64 0x23ccbc01ac334b50}
		'35000000026462000300000064620002636f6c6c656374696f6e0002000000630008454f4600011243524300504b33ac01bccc2300',
		'ffffffff',
		// the view: an empty block, then its EOF header with CRC 0
		'35000000026462000300000064620002636f6c6c656374696f6e0002000000760008454f4600001243524300000000000000000000',
		'ffffffff',
		'35000000026462000300000064620002636f6c6c656374696f6e0002000000760008454f4600011243524300000000000000000000',
		'ffffffff',
	].join(''),
	'hex',
);

test('the writer produces the spec layout byte for byte', async t => {
	const {bytes, stats} = await writeToBuffer(
		async writer => {
			await writer.writePrelude([
				{
					db: 'db',
					collection: 'c',
					type: 'collection',
					metadata: {indexes: [{v: new Int32(2), key: {_id: new Int32(1)}, name: '_id_'}], collectionName: 'c', type: 'collection'},
				},
				{db: 'db', collection: 'v', type: 'view'},
			]);
			await writer.writeDocuments('db', 'c', [Buffer.from('0c0000001061000100000000', 'hex')]);
			await writer.endCollection('db', 'c');
			await writer.endCollection('db', 'v');
		},
		{serverVersion: '7.0.0', toolVersion: 't'},
	);
	t.is(bytes.toString('hex'), specArchive.toString('hex'));
	t.deepEqual(stats[0], {db: 'db', collection: 'c', count: 1, bytes: 12, crc: '23ccbc01ac334b50'});
});

test('the reader reads the spec layout', async t => {
	const events = await readAll(specArchive);
	t.deepEqual(
		events.map(event => event.type),
		['header', 'collection', 'collection', 'prelude', 'documents', 'end', 'end'],
	);
	t.deepEqual(endsByNamespace(events).get('db.c'), {db: 'db', collection: 'c', count: 1, bytes: 12, crc: '23ccbc01ac334b50'});
});

for (const name of ['mongodump.archive', 'mongodump.archive.gz']) {
	test(`reads ${name} written with mongo-tools' framing, matching Go's counts, CRCs and bytes`, async t => {
		const events: ArchiveEvent[] = [];
		for await (const event of readArchiveFile(fileURLToPath(fixture(name)))) events.push(event);
		const header = events[0];
		t.deepEqual(header, {
			type: 'header',
			header: {concurrentCollections: 4, formatVersion: '0.1', serverVersion: '7.0.14', toolVersion: '100.10.0'},
		});
		const documents = documentsByNamespace(events);
		const ends = endsByNamespace(events);
		t.is(ends.size, expected.length);
		for (const want of expected) {
			const key = `${want.db}.${want.collection}`;
			const {sha256: _sha, ...stats} = want;
			t.deepEqual(ends.get(key), stats, key);
			const hash = createHash('sha256');
			for (const document of documents.get(key) ?? []) hash.update(document);
			t.is(hash.digest('hex'), want.sha256, key);
		}

		const prelude = events.find(event => event.type === 'prelude')!;
		t.is(prelude.type, 'prelude');
		if (prelude.type !== 'prelude') return;
		const byName = new Map(prelude.collections.map(entry => [`${entry.db}.${entry.collection}`, entry]));
		t.is(byName.get('shop.bigOrders')!.type, 'view');
		t.deepEqual(byName.get('shop.bigOrders')!.metadata!.options, {viewOn: 'orders'});
		t.is(byName.get('metrics.cpu')!.type, 'timeseries');
		t.is(documents.get('metrics.cpu')!.length, 20);
		t.is(byName.get('.oplog')!.metadata, undefined);
		t.is(byName.get('shop.orders')!.metadata!.indexes.length, 4);
		t.is(byName.get('shop.orders')!.metadata!.uuid, 'fedcba9876543210fedcba9876543210');

		// Go's documents, including the deprecated types the JS driver cannot write.
		const types = documents.get('shop.types')!.map(document => deserialize(document));
		t.is(types[1]!.string, 'héllo wörld ✓ 𝄞');
		t.true('undefined' in types[5]!);
		t.is(`${types[7]!.dbPointer.db}.${types[7]!.dbPointer.collection}`, 'shop.orders');
		t.is(types[8]!.codeWithScope.code, 'x + y');
		t.deepEqual(types[11], {});
	});
}

test("replaying the Go archive's blocks through the writer gives the same bytes", async t => {
	const original = await readFile(fixture('mongodump.archive'));
	// One chunk and unlimited batches: each documents event is exactly one block of the original.
	const parser = new ArchiveParser({maxBatchDocuments: Number.POSITIVE_INFINITY});
	const events = [...parser.push(original), ...parser.end()];
	const {bytes} = await writeToBuffer(
		async writer => {
			for (const event of events) {
				if (event.type === 'prelude') await writer.writePrelude(event.collections);
				else if (event.type === 'documents') await writer.writeDocuments(event.db, event.collection, event.documents);
				else if (event.type === 'end') await writer.endCollection(event.db, event.collection);
			}
		},
		{serverVersion: '7.0.14', toolVersion: '100.10.0'},
	);
	t.is(bytes.length, original.length);
	t.true(bytes.equals(original));
});

test('verifyArchive summarizes the Go archive', async t => {
	const summary = await verifyArchive(await readFile(fixture('mongodump.archive.gz')), {source: 'mongodump.archive.gz'});
	t.is(summary.header.serverVersion, '7.0.14');
	t.is(summary.collections.length, 8);
	t.deepEqual(
		summary.namespaces.map(stats => stats.count).sort((a, b) => a - b),
		expected.map(want => want.count).sort((a, b) => a - b),
	);
});
