import test from 'ava';
import {BSON, Int32, Long} from '../../source/core/bson.js';
import {RawKeyReader} from '../../source/core/subset/raw-keys.js';
import {referenceValues} from '../../source/core/subset/references.js';
import {keyValue, rawIdKey, rawValueKey, valueKey} from '../../source/core/subset/value-key.js';

const {Binary, Decimal128, Double, ObjectId, Timestamp} = BSON;

/** The keys the closure computed before it read raw bytes: the document decoded, `referenceValues`, `valueKey`. */
const decodedKeys = (raw: Uint8Array, paths: string[][]) => paths.map(steps => referenceValues(BSON.deserialize(raw), steps).map(valueKey));

const id = new ObjectId('65a1b2c3d4e5f60718293a4b');
const at = new Date(Date.UTC(2026, 11, 7, 12, 30, 15, 250));

/** Every BSON type a reference may hold, at the top, nested, in arrays (arrays of arrays, documents in arrays), and as an embedded document. */
const document = {
	_id: id,
	account: id,
	name: 'Ada Lovelace',
	empty: '',
	unicode: 'Zoë 🚀',
	int32: new Int32(5),
	int64: Long.fromNumber(5),
	double: new Double(5),
	fraction: new Double(2.5),
	negativeZero: new Double(-0),
	bigLong: Long.fromString('9007199254740993'),
	hugeLong: Long.fromString('-9223372036854775808'),
	at,
	yes: true,
	no: false,
	nothing: null,
	owner: {ref: new Int32(7), deep: {ref: 'x'}, list: [{ref: id}, {ref: 'y'}, {other: 1}, {ref: null}]},
	items: [{sku: 'a'}, {sku: new Int32(1)}, {qty: 1}, {sku: null}, {sku: ['b', 'c']}],
	tags: ['x', 'y', new Int32(3)],
	nested: [
		['p', 'q'],
		['r', ['s']],
	],
	points: [{x: 1}, {x: 2}],
	address: {city: 'Oslo', zip: '0150'},
	decimal: Decimal128.fromString('1.50'),
	binary: new Binary(Buffer.from([1, 2, 3]), 4),
	stamp: new Timestamp({t: 1_700_000_000, i: 3}),
	emptyList: [],
	emptyDocument: {},
};

const paths = [
	['_id'],
	['account'],
	['name'],
	['empty'],
	['unicode'],
	['int32'],
	['int64'],
	['double'],
	['fraction'],
	['negativeZero'],
	['bigLong'],
	['hugeLong'],
	['at'],
	['yes'],
	['no'],
	['nothing'],
	['missing'],
	['missing', 'deeper'],
	['owner', 'ref'],
	['owner', 'deep', 'ref'],
	['owner', 'list', 'ref'],
	['items', 'sku'],
	['tags'],
	['nested'],
	['points'],
	['address'],
	['address', 'city'],
	['name', 'first'],
	['decimal'],
	['binary'],
	['stamp'],
	['emptyList'],
	['emptyDocument'],
];

test('the raw reader gives, for every path, the keys the decoded document gives', t => {
	const raw = BSON.serialize(document);
	const read = new RawKeyReader(paths).read(raw);
	t.deepEqual(read, decodedKeys(raw, paths));
	const keysAt = (steps: string[]) => read[paths.findIndex(path => path.join('.') === steps.join('.'))];
	// What the keys are, spelled out for the usual reference types.
	t.deepEqual(keysAt(['_id']), [`o${id.toHexString()}`]);
	t.deepEqual(keysAt(['name']), ['sAda Lovelace']);
	t.deepEqual(keysAt(['unicode']), ['sZoë 🚀']);
	t.deepEqual(keysAt(['at']), [`d${at.getTime()}`]);
	t.deepEqual(keysAt(['owner', 'list', 'ref']), [`o${id.toHexString()}`, 'sy']);
	t.deepEqual(keysAt(['items', 'sku']), ['sa', 'n1', 'sb', 'sc']);
	t.deepEqual(keysAt(['nested']), ['sp', 'sq', 'sr', 'ss']);
	t.deepEqual(keysAt(['points']), ['x{"x":{"$numberInt":"1"}}', 'x{"x":{"$numberInt":"2"}}']);
	t.deepEqual(keysAt(['nothing']), []);
	t.deepEqual(keysAt(['missing', 'deeper']), []);
	t.deepEqual(keysAt(['name', 'first']), []);
	t.deepEqual(keysAt(['emptyList']), []);
});

test('numbers of every width that a filter finds equal have one key, and it asks the server for the number', t => {
	const raw = BSON.serialize(document);
	const read = new RawKeyReader([['int32'], ['int64'], ['double'], ['negativeZero'], ['fraction'], ['bigLong'], ['hugeLong']]).read(raw);
	t.deepEqual(read, [['n5'], ['n5'], ['n5'], ['n0'], ['n2.5'], ['n9007199254740993'], ['n-9223372036854775808']]);
	t.is(keyValue('n5'), 5);
	t.is(valueKey(5), 'n5');
});

test('a path asked twice, and _id among others, is read into each of its slots', t => {
	const raw = BSON.serialize({_id: 'a', ref: new Int32(1), other: {ref: 2}});
	t.deepEqual(new RawKeyReader([['_id'], ['ref'], ['ref'], ['other', 'ref']]).read(raw), [['sa'], ['n1'], ['n1'], ['n2']]);
});

test('the raw reader keeps its tree across documents whose fields come in another order or change type', t => {
	const reader = new RawKeyReader([['_id'], ['ref']]);
	const documents = [
		{_id: new Int32(1), ref: 'a'},
		{ref: new Int32(2), _id: 'b'},
		{_id: at, ref: [{x: 1}, 'c']},
		{_id: Long.fromNumber(4), ref: {y: 'z'}, extra: {ref: 'no'}},
		{_id: new Double(5)},
	];
	for (const decoded of documents) {
		const raw = BSON.serialize(decoded);
		t.deepEqual(reader.read(raw), decodedKeys(raw, [['_id'], ['ref']]), JSON.stringify(decoded));
	}
});

test('rawValueKey and rawIdKey give valueKey of every type an _id may have', t => {
	const ids = [
		id,
		'plain',
		'',
		new Int32(-12),
		Long.fromNumber(12),
		Long.fromString('9223372036854775807'),
		new Double(12),
		new Double(0.1),
		at,
		true,
		{tenant: 'a', n: new Int32(1)},
		new Binary(Buffer.from('abc')),
	];
	for (const value of ids) {
		const raw = BSON.serialize({_id: value, after: 1});
		const expected = valueKey(BSON.deserialize(raw)._id);
		t.is(rawIdKey(raw), expected, String(value));
		t.deepEqual(new RawKeyReader([['_id']]).read(raw), [[expected]]);
	}

	// `_id` not first: decoded.
	t.is(rawIdKey(BSON.serialize({a: 1, _id: 'late'})), 'slate');
	// A string's key read from its bytes (type 2: length, bytes, NUL).
	const raw = BSON.serialize({v: 'abc'});
	t.is(rawValueKey(raw, 2, 7, 8), 'sabc');
});
