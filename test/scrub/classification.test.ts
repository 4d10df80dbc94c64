import test from 'ava';
import {Binary, BSON, BSONRegExp, Code, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp} from 'bson';
import {classifyPath, covers, type FieldClass, observedSteps, parseCollectionClass} from '../../source/core/scrub/classification.js';
import {ScrubGate} from '../../source/core/scrub/gate.js';
import {walkPaths} from '../../source/core/scrub/paths.js';

function paths(document: Record<string, unknown>): string[] {
	const seen: string[] = [];
	walkPaths(BSON.serialize(document), (path, type) => seen.push(`${path}:${type}`));
	return seen;
}

test('walkPaths visits every leaf of raw BSON with its type: nested documents, arrays of values and of documents, every BSON type', t => {
	t.deepEqual(
		paths({
			_id: new ObjectId('65a1b2c3d4e5f60718293a4b'),
			name: 'Jane',
			address: {street: '1 Main St', geo: {lat: new Double(48.8), lng: new Double(2.3)}},
			tags: ['a', 'b'],
			contacts: [{email: 'a@b.c'}, {email: 'd@e.f', since: new Int32(2019)}],
			empty: {},
			none: [],
			'10': 'integer-like keys stay in order',
		}),
		[
			'10:2',
			'_id:7',
			'name:2',
			'address.street:2',
			'address.geo.lat:1',
			'address.geo.lng:1',
			'tags[]:2',
			'tags[]:2',
			'contacts[].email:2',
			'contacts[].email:2',
			'contacts[].since:16',
		],
	);
	const types = paths({
		double: new Double(1.5),
		string: 's',
		binary: new Binary(Buffer.from('x')),
		objectId: new ObjectId(),
		bool: true,
		date: new Date(0),
		null: null,
		regex: new BSONRegExp('a', 'i'),
		code: new Code('x'),
		int: new Int32(1),
		timestamp: new Timestamp({t: 1, i: 2}),
		long: Long.fromNumber(3),
		decimal: Decimal128.fromString('1.5'),
		min: new MinKey(),
		max: new MaxKey(),
		nested: [['inner']],
	});
	t.deepEqual(types, [
		'double:1',
		'string:2',
		'binary:5',
		'objectId:7',
		'bool:8',
		'date:9',
		'null:10',
		'regex:11',
		'code:13',
		'int:16',
		'timestamp:17',
		'long:18',
		'decimal:19',
		'min:255',
		'max:127',
		'nested[][]:2',
	]);
});

test('a pattern covers an observed path by prefix; * is any one key; x[] is the elements of x; a last step covers the array whole', t => {
	const check = (pattern: string, observed: string) =>
		covers(
			parseCollectionClass({[pattern]: 'keep'}).kind === 'fields'
				? (parseCollectionClass({[pattern]: 'keep'}) as {fields: FieldClass[]}).fields[0]!.steps
				: [],
			observedSteps(observed),
		);
	t.true(check('address', 'address.street'));
	t.true(check('address.street', 'address.street'));
	t.false(check('address.street', 'address'), 'a string where a document was classified is a new shape');
	t.true(check('tags', 'tags[]'));
	t.true(check('tags[]', 'tags[]'));
	t.false(check('tags[]', 'tags'));
	t.true(check('contacts[].email', 'contacts[].email'));
	t.false(check('contacts.email', 'contacts[].email'), 'an array of documents needs [] in the middle of a path');
	t.true(check('prefs.*', 'prefs.theme'));
	t.true(check('contacts.*.email', 'contacts.work.email'));
	t.false(check('contacts.*.email', 'contacts.work.phone'));
	t.true(check('*', 'anything.below'));

	const classes = parseCollectionClass({
		contacts: 'keep',
		'contacts.*': 'keep',
		'contacts.*.email': 'keep',
		'contacts.home.email': 'fake.email',
	});
	const fields = (classes as {fields: FieldClass[]}).fields;
	t.is(classifyPath(fields, 'contacts.work.email')?.path, 'contacts.*.email', 'the longest pattern wins');
	t.is(classifyPath(fields, 'contacts.home.email')?.path, 'contacts.home.email', 'among equals, the one with fewer *');
	t.throws(() => parseCollectionClass({address: 'remove', 'address.city': 'keep'}), {
		message: /^\.address\.city: inside address, which has its own rule/,
	});
	t.is(classifyPath(fields, 'contacts.work.since')?.path, 'contacts.*');
	t.is(classifyPath(fields, 'other'), undefined);
});

test('the gate counts documents per unclassified path (once per document), names its types, and passes classified batches', t => {
	const gate = new ScrubGate(new Map([['accounts', parseCollectionClass({_id: 'keep', email: 'fake.email', tags: 'keep'})]]));
	const ok = [{_id: 1, email: 'a@b.c', tags: ['x', 'y']}].map(document => BSON.serialize(document));
	t.true(gate.check('accounts', ok));
	t.false(gate.failed);
	const leaking = [
		{_id: 2, email: 'a@b.c', phones: ['1', '2']},
		{_id: 3, phones: [new Int32(3)]},
		{_id: 4, email: 'x@y.z'},
	].map(document => BSON.serialize(document));
	t.false(gate.check('accounts', leaking));
	t.true(gate.check('products', []) === false, 'a collection without classification is unclassified');
	t.deepEqual(gate.unclassified, [
		{collection: 'products', path: undefined, types: [], documents: 0},
		{collection: 'accounts', path: 'phones[]', types: ['int', 'string'], documents: 2},
	]);
	t.regex(
		gate.refusal('copy_db p:d', 'p', 'monarch.json')?.message ?? '',
		/^copy_db p:d: not classified in monarch\.json: products \(collection not classified\), accounts\.phones\[\] \(int\/string, 2 documents\); nothing was written$/,
	);
});
