import {gunzipSync} from 'node:zlib';
import test from 'ava';
import {
	Binary,
	BSONRegExp,
	BSONSymbol,
	Code,
	DBRef,
	Decimal128,
	type Document,
	Double,
	deserialize,
	Int32,
	Long,
	MaxKey,
	MinKey,
	ObjectId,
	serialize,
	Timestamp,
	UUID,
} from 'bson';
import {type ArchiveCollection, maxBsonSize} from '../../source/core/archive/index.js';
import {chunked, documentsByNamespace, endsByNamespace, readAll, writeToBuffer} from './helpers.js';

const bsonOf = (document: Document) => Buffer.from(serialize(document));

const collectionEntry = (db: string, collection: string, type: ArchiveCollection['type'] = 'collection'): ArchiveCollection => ({
	db,
	collection,
	type,
	metadata: {indexes: type === 'view' ? [] : [{v: new Int32(2), key: {_id: new Int32(1)}, name: '_id_'}], collectionName: collection, type},
});

const uuid = new UUID('0123456789abcdef0123456789abcdef');
const objectId = new ObjectId('65a1b2c3d4e5f60718293a4b');

/** One document per BSON type, and the awkward ones. */
const everyType: Document[] = [
	{_id: objectId, double: Math.PI, negativeZero: -0, nan: Number.NaN, infinity: Number.POSITIVE_INFINITY, exact: new Double(1)},
	{_id: 2, string: 'héllo wörld ✓ 𝄞', empty: '', withNul: 'a\u0000b', rtl: 'مرحبا'},
	{_id: 3, embedded: {a: 1, b: {c: 'deep', d: {e: {f: {}}}}}, emptyDocument: {}},
	{_id: 4, array: [1, 'two', 3.5, {four: 4}], nested: [[1, [2, [3, []]]], []], emptyArray: []},
	{
		_id: 5,
		generic: new Binary(Buffer.from([0, 1, 2, 255]), Binary.SUBTYPE_DEFAULT),
		function: new Binary(Buffer.from('function'), Binary.SUBTYPE_FUNCTION),
		oldBinary: new Binary(Buffer.from([9, 9]), Binary.SUBTYPE_BYTE_ARRAY),
		oldUuid: new Binary(uuid.buffer, Binary.SUBTYPE_UUID_OLD),
		uuid,
		md5: new Binary(Buffer.alloc(16, 0xab), Binary.SUBTYPE_MD5),
		encrypted: new Binary(Buffer.from([1, 2, 3]), Binary.SUBTYPE_ENCRYPTED),
		column: new Binary(Buffer.from([0x10, 0]), Binary.SUBTYPE_COLUMN),
		sensitive: new Binary(Buffer.from('secret'), 8),
		userDefined: new Binary(Buffer.from('custom'), Binary.SUBTYPE_USER_DEFINED),
		emptyBinary: new Binary(Buffer.alloc(0)),
	},
	{_id: 6, objectId, trueValue: true, falseValue: false, nullValue: null},
	{_id: 7, date: new Date('2024-02-29T12:34:56.789Z'), preEpoch: new Date(-62_135_596_800_000), epoch: new Date(0)},
	{_id: 8, regex: new BSONRegExp('^a.*b$', 'imsux'), jsRegex: /x+y/gi},
	{_id: 9, code: new Code('function () { return 1; }'), codeWithScope: new Code('x + y', {x: 1, y: 'two'}), symbol: new BSONSymbol('sym')},
	{_id: 10, dbRef: new DBRef('orders', objectId, 'shop', {extra: true})},
	{
		_id: 11,
		int32: new Int32(-2_147_483_648),
		int32Max: 2_147_483_647,
		long: Long.fromString('9223372036854775807'),
		longMin: Long.MIN_VALUE,
		bigint: 2n ** 62n,
		timestamp: new Timestamp({t: 1_700_000_000, i: 42}),
		decimal: Decimal128.fromString('1234567890.123456789012345678901234'),
		decimalNaN: Decimal128.fromString('NaN'),
		minKey: new MinKey(),
		maxKey: new MaxKey(),
	},
	{_id: 12, ['k'.repeat(5000)]: 'long field name', ключ: 'unicode key', '😀': 1, 'a.b': 'dotted', $dollar: 'dollar'},
	{},
];

test('documents of every BSON type come back byte for byte and decode to the same values', async t => {
	const documents = everyType.map(document => bsonOf(document));
	const {bytes, stats} = await writeToBuffer(async writer => {
		await writer.writePrelude([collectionEntry('app', 'every')]);
		await writer.writeDocuments('app', 'every', documents.slice(0, 5));
		await writer.writeDocuments('app', 'every', documents.slice(5));
		await writer.endCollection('app', 'every');
	});

	const events = await readAll(bytes);
	const read = documentsByNamespace(events).get('app.every')!;
	t.is(read.length, documents.length);
	for (const [index, document] of documents.entries()) t.true(read[index]!.equals(document), `document ${index}`);

	const decoded = read.map(document => deserialize(document, {useBigInt64: true}));
	t.is(decoded[1]!.string, 'héllo wörld ✓ 𝄞');
	t.true(Object.is(deserialize(read[0]!).negativeZero, -0));
	t.true(Number.isNaN(deserialize(read[0]!).nan));
	t.is((decoded[4]!.uuid as Binary).sub_type, Binary.SUBTYPE_UUID);
	t.is((decoded[4]!.userDefined as Binary).sub_type, Binary.SUBTYPE_USER_DEFINED);
	t.deepEqual((decoded[8]!.codeWithScope as Code).scope, {x: 1, y: 'two'});
	t.is((decoded[10]!.long as bigint).toString(), '9223372036854775807');
	t.is((decoded[10]!.decimal as Decimal128).toString(), '1234567890.123456789012345678901234');
	t.true(decoded[10]!.minKey instanceof MinKey);
	t.is(deserialize(read[11]!)['k'.repeat(5000)], 'long field name');
	t.deepEqual(deserialize(read[12]!), {});

	const end = endsByNamespace(events).get('app.every')!;
	t.deepEqual(end, stats[0]);
	t.is(end.count, documents.length);
	t.is(
		end.bytes,
		documents.reduce((sum, document) => sum + document.length, 0),
	);
});

test('the header and prelude come back with their metadata parsed', async t => {
	const {bytes} = await writeToBuffer(
		async writer => {
			await writer.writePrelude([
				{
					db: 'shop',
					collection: 'orders',
					type: 'collection',
					metadata: {
						options: {validator: {$jsonSchema: {bsonType: 'object'}}, collation: {locale: 'fr', strength: new Int32(2)}},
						indexes: [
							{v: new Int32(2), key: {_id: new Int32(1)}, name: '_id_'},
							{v: new Int32(2), key: {customer: new Int32(1), createdAt: new Int32(-1)}, name: 'customer_1_createdAt_-1', unique: true},
							{v: new Int32(2), key: {location: '2dsphere'}, name: 'location_2dsphere', '2dsphereIndexVersion': new Int32(3)},
							{v: new Int32(2), key: {total: new Double(1)}, name: 'total_1', expireAfterSeconds: Long.fromNumber(3600)},
						],
						uuid: 'fedcba9876543210fedcba9876543210',
						collectionName: 'orders',
						type: 'collection',
					},
				},
				collectionEntry('shop', 'bigOrders', 'view'),
				{db: '', collection: 'oplog', type: ''},
			]);
			for (const [db, collection] of [
				['shop', 'orders'],
				['shop', 'bigOrders'],
				['', 'oplog'],
			] as const)
				await writer.endCollection(db, collection);
		},
		{concurrentCollections: 8},
	);

	const events = await readAll(bytes);
	t.deepEqual(events[0], {
		type: 'header',
		header: {concurrentCollections: 8, formatVersion: '0.1', serverVersion: '7.0.14', toolVersion: 'monarch-test'},
	});
	const entries = events.filter(event => event.type === 'collection').map(event => event.collection);
	t.is(entries.length, 3);
	const orders = entries[0]!;
	t.is(orders.metadata!.uuid, 'fedcba9876543210fedcba9876543210');
	t.deepEqual(orders.metadata!.indexes[1]!.key, {customer: new Int32(1), createdAt: new Int32(-1)});
	t.deepEqual(Object.keys(orders.metadata!.indexes[1]!.key as Document), ['customer', 'createdAt']);
	// By BSON type name: monarch decodes with the driver's copy of bson, whose classes are not this file's.
	const bsonType = (value: unknown) => (value as {_bsontype?: string})._bsontype;
	t.is(bsonType(orders.metadata!.indexes[3]!.key.total), 'Double');
	t.is(bsonType(orders.metadata!.indexes[3]!.expireAfterSeconds), 'Long');
	t.deepEqual(orders.metadata!.options!.collation, {locale: 'fr', strength: new Int32(2)});
	t.true(orders.metadataJson.startsWith('{"options":{"validator"'));
	t.is(entries[1]!.type, 'view');
	t.deepEqual(entries[1]!.metadata!.indexes, []);
	t.is(entries[2]!.metadata, undefined);
	t.is(entries[2]!.metadataJson, '');
	const prelude = events.find(event => event.type === 'prelude');
	t.deepEqual(prelude, {type: 'prelude', collections: entries});
	t.is(events.indexOf(prelude!), 4);
});

test('interleaved batches of many namespaces keep each namespace in order', async t => {
	let seed = 12_345;
	const random = () => {
		seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
		return seed / 2 ** 31;
	};

	const names = Array.from({length: 12}, (_, index) => `c${index}`);
	const queues = new Map(
		names.map((name, index) => [
			name,
			Array.from({length: index * 150}, (_, n) => bsonOf({_id: n, name, pad: 'x'.repeat(Math.floor(random() * 400))})),
		]),
	);
	const expected = new Map([...queues].map(([name, documents]) => [name, [...documents]]));
	const {bytes, stats} = await writeToBuffer(
		async writer => {
			await writer.writePrelude(names.map(name => collectionEntry('db', name)));
			const live = [...names];
			const pending: Array<Promise<unknown>> = [];
			while (live.length > 0) {
				const index = Math.floor(random() * live.length);
				const name = live[index]!;
				const queue = queues.get(name)!;
				// Calls are not awaited one by one: the writer must keep their order.
				if (queue.length > 0) {
					pending.push(writer.writeDocuments('db', name, queue.splice(0, 1 + Math.floor(random() * 40))));
				} else {
					pending.push(writer.endCollection('db', name));
					live.splice(index, 1);
				}
			}

			await Promise.all(pending);
		},
		{concurrentCollections: names.length},
	);

	for (const sizes of [[bytes.length], [1, 2, 3, 5, 8, 13], [3, 1000, 7], [65_536]]) {
		const events = await readAll(chunked(bytes, sizes));
		const documents = documentsByNamespace(events);
		const ends = endsByNamespace(events);
		for (const name of names) {
			const want = expected.get(name)!;
			const got = documents.get(`db.${name}`) ?? [];
			t.is(got.length, want.length, `${name} with chunks ${sizes.join(',')}`);
			t.true(
				got.every((document, index) => document.equals(want[index]!)),
				name,
			);
			t.deepEqual(
				ends.get(`db.${name}`),
				stats.find(stat => stat.collection === name),
			);
		}
	}
});

test('empty collections and views have an EOF block and no documents', async t => {
	const {bytes, stats} = await writeToBuffer(async writer => {
		await writer.writePrelude([collectionEntry('db', 'full'), collectionEntry('db', 'empty'), collectionEntry('db', 'view', 'view')]);
		await writer.writeDocuments('db', 'full', [bsonOf({a: 1})]);
		await writer.writeDocuments('db', 'full', []);
		await writer.endCollection('db', 'empty');
		await writer.endCollection('db', 'view');
		await writer.endCollection('db', 'full');
	});

	const events = await readAll(bytes);
	t.deepEqual(
		events.filter(event => event.type === 'documents' || event.type === 'end').map(event => `${event.type} ${event.collection}`),
		['documents full', 'end empty', 'end view', 'end full'],
	);
	const ends = endsByNamespace(events);
	t.deepEqual(ends.get('db.empty'), {db: 'db', collection: 'empty', count: 0, bytes: 0, crc: '0000000000000000'});
	t.deepEqual(ends.get('db.view'), {db: 'db', collection: 'view', count: 0, bytes: 0, crc: '0000000000000000'});
	t.deepEqual(
		stats.map(stat => stat.count),
		[1, 0, 0],
	);
});

test('a time-series collection is framed as system.buckets.<name> and read back under its own name', async t => {
	const bucket = bsonOf({_id: objectId, control: {version: 1}, meta: 'host', data: {v: {0: 1}}});
	const {bytes} = await writeToBuffer(async writer => {
		await writer.writePrelude([collectionEntry('metrics', 'cpu', 'timeseries')]);
		await writer.writeDocuments('metrics', 'cpu', [bucket]);
		await writer.writeDocuments('metrics', 'system.buckets.cpu', [bucket]);
		await writer.endCollection('metrics', 'cpu');
	});

	t.true(bytes.includes(Buffer.from('system.buckets.cpu\u0000')));
	const events = await readAll(bytes);
	t.is(documentsByNamespace(events).get('metrics.cpu')!.length, 2);
	t.is(endsByNamespace(events).get('metrics.cpu')!.count, 2);
});

test('long and unicode database and collection names round-trip', async t => {
	const db = 'ünïcødé_数据库';
	const collection = `çøllé ction.${'z'.repeat(200)}.😀`;
	const {bytes} = await writeToBuffer(async writer => {
		await writer.writePrelude([collectionEntry(db, collection)]);
		await writer.writeDocuments(db, collection, [bsonOf({é: 'ü'})]);
		await writer.endCollection(db, collection);
	});

	const events = await readAll(bytes);
	t.is(documentsByNamespace(events).get(`${db}.${collection}`)!.length, 1);
	t.is(events.find(event => event.type === 'collection')?.collection.metadata?.collectionName, collection);
});

test('a gzipped archive round-trips, detected or declared', async t => {
	const documents = Array.from({length: 2000}, (_, index) => bsonOf({_id: index, text: 'lorem ipsum '.repeat(index % 20)}));
	for (const gzip of [true, 1, 9]) {
		const {bytes, stats} = await writeToBuffer(
			async writer => {
				await writer.writePrelude([collectionEntry('db', 'c')]);
				await writer.writeDocuments('db', 'c', documents.slice(0, 1000));
				await writer.writeDocuments('db', 'c', documents.slice(1000));
				await writer.endCollection('db', 'c');
			},
			{gzip},
		);
		t.deepEqual([...bytes.subarray(0, 2)], [0x1f, 0x8b]);
		t.is(gunzipSync(bytes).readUInt32LE(0), 0x81_99_e2_6d);
		for (const option of ['auto', true] as const) {
			const events = await readAll(chunked(bytes, [777]), {gzip: option});
			const read = documentsByNamespace(events).get('db.c')!;
			t.is(read.length, documents.length);
			t.true(read.every((document, index) => document.equals(documents[index]!)));
			t.deepEqual(endsByNamespace(events).get('db.c'), stats[0]);
		}
	}
});

test('a 16 MiB document (the largest allowed) round-trips through gzip', async t => {
	const overhead = 4 + 1 + 2 + 4 + 1 + 1; // length, type, "p\0", string length, string NUL, document NUL
	const big = bsonOf({p: 'x'.repeat(maxBsonSize - overhead)});
	t.is(big.length, maxBsonSize);
	const small = bsonOf({after: true});
	const {bytes, stats} = await writeToBuffer(
		async writer => {
			await writer.writePrelude([collectionEntry('big', 'c')]);
			await writer.writeDocuments('big', 'c', [small, big, small]);
			await writer.endCollection('big', 'c');
		},
		{gzip: 1},
	);
	const events = await readAll(bytes);
	const read = documentsByNamespace(events).get('big.c')!;
	t.is(read.length, 3);
	t.true(read[1]!.equals(big));
	t.true(read[2]!.equals(small));
	t.deepEqual(endsByNamespace(events).get('big.c'), stats[0]);
	t.true(events.filter(event => event.type === 'documents').every(event => event.documents.length <= 1000));
});

test('documents given as Uint8Array views are framed like Buffers', async t => {
	const document = bsonOf({a: 'view'});
	const backing = Buffer.concat([Buffer.from('junk'), document, Buffer.from('junk')]);
	const view = new Uint8Array(backing.buffer, backing.byteOffset + 4, document.length);
	const {bytes} = await writeToBuffer(async writer => {
		await writer.writePrelude([collectionEntry('db', 'c')]);
		await writer.writeDocuments('db', 'c', [view]);
		await writer.endCollection('db', 'c');
	});
	t.true(
		documentsByNamespace(await readAll(bytes))
			.get('db.c')![0]!
			.equals(document),
	);
});
