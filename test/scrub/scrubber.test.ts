import test from 'ava';
import {Binary, BSON, Double, Int32, Long, ObjectId} from 'bson';
import {parseCollectionClass} from '../../source/core/scrub/classification.js';
import {fakeKinds} from '../../source/core/scrub/fakes.js';
import {parsePath, parseStrategy} from '../../source/core/scrub/rule.js';
import {parseScrubConfig} from '../../source/core/scrub/rules-config.js';
import {mask, Scrubber} from '../../source/core/scrub/scrubber.js';
import {checkUniqueIndexes} from '../../source/core/scrub/unique.js';

const key = 'a-test-key-of-some-length';

function scrubberOf(rules: Record<string, Record<string, string>>, options: {key?: string; unique?: boolean} = {}): Scrubber {
	const config = parseScrubConfig(rules);
	const uniqueKinds = options.unique ? new Set(fakeKinds) : undefined;
	return new Scrubber({rules: config.rules, key: options.key ?? key, uniqueKinds});
}

test('the same value becomes the same fake in every field and collection, and another key gives another fake', t => {
	const scrubber = scrubberOf({accounts: {email: 'fake.email'}, campaigns: {owner_email: 'fake.email'}});
	const account = {_id: 1, email: 'ann@shop.example'};
	const campaign = {_id: 7, owner_email: 'ann@shop.example'};
	scrubber.document('accounts', account);
	scrubber.document('campaigns', campaign);
	t.not(account.email, 'ann@shop.example');
	t.regex(account.email, /^[^@\s]+@[^@\s]+\.\w+$/);
	t.is(campaign.owner_email, account.email);

	const again = {_id: 1, email: 'ann@shop.example'};
	scrubberOf({accounts: {email: 'fake.email'}}).document('accounts', again);
	t.is(again.email, account.email, 'a new scrubber with the same key gives the same fake');

	const otherKey = {_id: 1, email: 'ann@shop.example'};
	scrubberOf({accounts: {email: 'fake.email'}}, {key: 'another-key-entirely'}).document('accounts', otherKey);
	t.not(otherKey.email, account.email);
});

test('every fake kind gives a non-empty string that differs between inputs', t => {
	const rules = Object.fromEntries(fakeKinds.map(kind => [kind, `fake.${kind}`]));
	const scrubber = scrubberOf({people: rules});
	const first = Object.fromEntries(fakeKinds.map(kind => [kind, 'input one']));
	const second = Object.fromEntries(fakeKinds.map(kind => [kind, 'input two']));
	scrubber.document('people', first);
	scrubber.document('people', second);
	for (const kind of fakeKinds) {
		t.true(typeof first[kind] === 'string' && first[kind].length > 0, kind);
		t.not(first[kind], 'input one', kind);
	}

	t.true(
		fakeKinds.filter(kind => first[kind] !== second[kind]).length >= fakeKinds.length - 2,
		'nearly every kind differs between two inputs',
	);
});

test('hash is HMAC-SHA-256 of the value in hex; mask keeps the ends; null, remove and const do what they say', t => {
	const scrubber = scrubberOf({
		users: {tax_id: 'hash', 'card.last4': 'mask:0,2', 'card.holder': 'mask:1,1', notes: 'remove', nick: 'null', plan: 'const:free'},
	});
	const user = {_id: 1, tax_id: 'FR123', card: {last4: '4242', holder: 'Ann Smith'}, notes: 'likes cats', nick: 'annie', plan: 'gold'};
	scrubber.document('users', user);
	t.deepEqual(user, {
		_id: 1,
		tax_id: scrubber.digest('FR123').toString('hex'),
		card: {last4: '**42', holder: 'A*******h'},
		nick: null,
		plan: 'free',
	});
	t.regex(user.tax_id, /^[0-9a-f]{64}$/);
	t.is(mask('😀ab', 1, 0), '😀**');
	t.is(mask('ab', 3, 3), 'ab');
});

test('paths reach embedded documents and every element of arrays; missing paths are left alone', t => {
	const scrubber = scrubberOf({
		users: {'logins[].ip': 'const:0.0.0.0', 'address.street': 'const:Main St', 'aliases[]': 'const:x', 'gone[]': 'remove'},
	});
	const user = {
		_id: 1,
		logins: [{ip: '1.2.3.4', at: 1}, {at: 2}, 'not a document'],
		address: {city: 'Oslo', street: 'Karl Johans gate 1'},
		aliases: ['a', 'b'],
		gone: [1, 2, 3],
	};
	scrubber.document('users', user);
	t.deepEqual(user, {
		_id: 1,
		logins: [{ip: '0.0.0.0', at: 1}, {at: 2}, 'not a document'],
		address: {city: 'Oslo', street: 'Main St'},
		aliases: ['x', 'x'],
		gone: [],
	});
	const bare = {_id: 2, name: 'no rules apply'};
	scrubber.document('users', bare);
	t.deepEqual(bare, {_id: 2, name: 'no rules apply'});
	t.deepEqual(scrubber.counts.get('users'), {documents: 2, values: 7, converted: 0});
});

test('a value of another BSON type is scrubbed through its string form, a binary becomes null, and both are counted', t => {
	const scrubber = scrubberOf({users: {phone: 'hash', id: 'hash', photo: 'fake.uuid', at: 'mask:4,0'}});
	const objectId = new ObjectId('64b7f0c2a1b2c3d4e5f60718');
	const user: Record<string, unknown> = {
		_id: 1,
		phone: new Long(5_551_234),
		id: objectId,
		photo: new Binary(Buffer.from([1, 2, 3])),
		at: new Date('2026-03-01T09:30:00Z'),
	};
	scrubber.document('users', user);
	t.is(user.phone, scrubber.digest('5551234').toString('hex'));
	t.is(user.id, scrubber.digest('64b7f0c2a1b2c3d4e5f60718').toString('hex'));
	t.is(user.photo, null);
	t.is(user.at, `2026${'*'.repeat(20)}`, 'the date as 2026-03-01T09:30:00.000Z, masked');
	t.deepEqual(scrubber.counts.get('users'), {documents: 1, values: 4, converted: 4});
});

test('raw batches keep untouched fields in their BSON types and order', t => {
	const scrubber = scrubberOf({users: {email: 'fake.email'}});
	const original = {
		_id: new ObjectId('64b7f0c2a1b2c3d4e5f60718'),
		count: new Int32(3),
		score: new Double(2),
		big: Long.fromNumber(7),
		email: 'ann@shop.example',
		tail: true,
	};
	const [raw] = scrubber.batch('users', [BSON.serialize(original)]);
	const back = BSON.deserialize(raw!, {promoteValues: false, promoteLongs: false});
	t.deepEqual(Object.keys(back), ['_id', 'count', 'score', 'big', 'email', 'tail']);
	t.is(back.count._bsontype, 'Int32');
	t.is(back.score._bsontype, 'Double');
	t.is(back.big._bsontype, 'Long');
	t.not(back.email, 'ann@shop.example');
});

test('fakes under a unique index carry a discriminator so different inputs never share one', t => {
	const plain = scrubberOf({cities: {name: 'fake.city'}});
	const unique = scrubberOf({cities: {name: 'fake.city'}}, {unique: true});
	const names = Array.from({length: 2000}, (_, index) => `city ${index}`);
	const fakes = (scrubber: Scrubber) =>
		names.map(name => {
			const document = {name};
			scrubber.document('cities', document);
			return document.name;
		});
	t.true(new Set(fakes(plain)).size < names.length, 'plain fake cities collide (there are few)');
	t.is(new Set(fakes(unique)).size, names.length);
	const email = {email: 'ann@shop.example'};
	scrubberOf({u: {email: 'fake.email'}}, {unique: true}).document('u', email);
	t.regex(email.email, /^[^@]+\.[0-9a-z]+@[^@]+$/);
});

test('unique indexes: fake kinds on unique fields are found, and rules that would collide are refused', t => {
	const {rules} = parseScrubConfig({accounts: {email: 'fake.email', 'logins[].ip': 'fake.ipv4', code: 'mask:1,1', tax: 'hash'}});
	const infos = [
		{
			name: 'accounts',
			type: 'collection' as const,
			options: {},
			indexes: [
				{name: 'email_1', key: {email: 1}, unique: true},
				{name: 'ip', key: {'logins.ip': 1}, unique: true},
				{name: 'code_1', key: {code: 1}, unique: true},
				{name: 'tax_1', key: {tax: 1}, unique: true},
			],
		},
	];
	const check = checkUniqueIndexes(rules, infos);
	t.deepEqual([...check.kinds].sort(), ['email', 'ipv4']);
	t.deepEqual(check.problems, [
		'scrub.accounts.code: mask under unique index code_1 would give many documents the same value; use hash or fake.<kind>',
	]);
});

test('bad rules are one line naming the collection and field', t => {
	t.throws(() => parseScrubConfig({accounts: {email: 'fake.emial'}}), {
		message: /^scrub\.accounts\.email: unknown fake "fake\.emial": use fake\.email, /,
	});
	t.throws(() => parseScrubConfig({accounts: {email: 'scramble'}}), {
		message: /^scrub\.accounts\.email: unknown strategy "scramble": one of fake\.<kind>, hash/,
	});
	t.throws(() => parseScrubConfig({accounts: {'a..b': 'hash'}}), {message: /^scrub\.accounts\.a\.\.b: "a\.\.b": empty field name/});
	t.throws(() => parseScrubConfig({accounts: {'a[0].b': 'hash'}}), {
		message: /^scrub\.accounts\.a\[0\]\.b: .*\[\] may only end a field name/,
	});
	t.throws(() => parseScrubConfig({accounts: {card: 'remove', 'card.last4': 'mask:0,2'}}), {
		message: /^scrub\.accounts\.card\.last4: inside card, which has its own rule/,
	});
	t.throws(() => parseScrubConfig({accounts: {email: 3}}), {message: /^scrub\.accounts\.email: a strategy string/});
	t.throws(() => parseScrubConfig({accounts: 'fake.email'}), {
		message: /^scrub\.accounts: "fake\.email" is not a classification of a whole collection; write "keep", "drop", "empty"/,
	});
	t.throws(() => parseScrubConfig({accounts: 3}), {message: /^scrub\.accounts: "keep", "drop", "empty", or an object of field paths/});
	t.throws(() => parseScrubConfig({keyEnv: 'not a name'}), {message: /^scrub\.keyEnv: /});
	t.throws(() => parseStrategy('mask:a,b'), {message: /mask:<keepStart>,<keepEnd>/});
	t.deepEqual(parsePath('logins[].ip'), [
		{name: 'logins', each: true},
		{name: 'ip', each: false},
	]);
	t.deepEqual(parseCollectionClass({x: 'const:a:b'}), {
		kind: 'fields',
		fields: [{path: 'x', steps: [{name: 'x', each: false}], action: {kind: 'const', value: 'a:b'}}],
	});
});

test('the rules fingerprint depends on the rules, not their order or the key', t => {
	const a = parseScrubConfig({accounts: {email: 'fake.email', name: 'fake.fullName'}, keyEnv: 'A_KEY'});
	const b = parseScrubConfig({accounts: {name: 'fake.fullName', email: 'fake.email'}});
	const c = parseScrubConfig({accounts: {email: 'hash', name: 'fake.fullName'}});
	t.is(a.fingerprint, b.fingerprint);
	t.not(a.fingerprint, c.fingerprint);
	t.regex(a.fingerprint, /^[0-9a-f]{16}$/);
});
