import test from 'ava';
import {
	Binary,
	BSON,
	BSONRegExp,
	BSONSymbol,
	Code,
	Decimal128,
	type Document,
	Double,
	Int32,
	Long,
	MaxKey,
	MinKey,
	ObjectId,
	Timestamp,
} from 'bson';
import {fakeKinds} from '../../source/core/scrub/fakes.js';
import type {ScrubRule, Strategy} from '../../source/core/scrub/rule.js';
import {Scrubber} from '../../source/core/scrub/scrubber.js';

const key = 'a-test-key-of-some-length';
const decodeOptions = {promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true} as const;

/** A small deterministic generator (mulberry32): the same documents on every run. */
function random(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let value = state;
		value = Math.imul(value ^ (value >>> 15), value | 1);
		value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
		return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
	};
}

type Random = () => number;
const pick = <T>(next: Random, items: readonly T[]): T => items[Math.floor(next() * items.length)]!;

/** Field names: few, so that generated documents often hold the rules' paths, and the paths around them. */
const names = ['a', 'b', 'c', 'é'];

const texts = [
	'',
	'plain',
	'ann@shop.example',
	'Ünïcödé 日本語 😀',
	'call Jane at +1 555 0100 or jane@mail.example',
	'card 4111 1111 1111 1111, ip 10.0.0.1',
	'x'.repeat(300),
];

/** A value of any BSON type that decoding and serialising again keeps byte for byte (see the last test for those it does not). */
function leaf(next: Random): unknown {
	switch (Math.floor(next() * 19)) {
		case 0:
		case 1:
			return pick(next, texts);
		case 2:
			return new Double(pick(next, [0, -0, 1.5, 1e300, -7]));
		case 3:
			return new Int32(Math.floor(next() * 2000) - 1000);
		case 4:
			return Long.fromString(pick(next, ['0', '-9007199254740993', '5551234']));
		case 5:
			return Decimal128.fromString(pick(next, ['1.10', '-0', '1E+10']));
		case 6:
			return next() < 0.5;
		case 7:
			return new Date(Math.floor(next() * 2e12));
		case 8:
			return new ObjectId(Buffer.from(Array.from({length: 12}, () => Math.floor(next() * 256))));
		case 9:
			return null;
		case 10:
			return new Binary(Buffer.from([1, 2, 3, Math.floor(next() * 256)]), pick(next, [0, 4, 128]));
		case 11:
			return new BSONRegExp(pick(next, ['^a.b$', 'é+']), pick(next, ['', 'i', 'im']));
		case 12:
			return new Code('function () { return 1; }');
		case 13:
			return new Code('x + y', {x: 1});
		case 14:
			return new BSONSymbol('sym');
		case 15:
			return new Timestamp({t: 1_700_000_000, i: Math.floor(next() * 100)});
		case 16:
			return new MinKey();
		case 17:
			return new MaxKey();
		default:
			return pick(next, texts);
	}
}

function value(next: Random, depth: number): unknown {
	const roll = next();
	if (depth < 3 && roll < 0.25) return document(next, depth + 1);
	if (depth < 3 && roll < 0.45) return Array.from({length: Math.floor(next() * 4)}, () => value(next, depth + 1));
	return leaf(next);
}

function document(next: Random, depth: number): Document {
	const result: Document = {};
	const fields = Math.floor(next() * 5);
	for (let index = 0; index < fields; index++) result[pick(next, names)] = value(next, depth);
	return result;
}

function strategy(next: Random): Strategy {
	switch (Math.floor(next() * 8)) {
		case 0:
			return {kind: 'fake', fake: pick(next, fakeKinds)};
		case 1:
			return {kind: 'hash'};
		case 2:
			return {kind: 'mask', keepStart: Math.floor(next() * 3), keepEnd: Math.floor(next() * 3)};
		case 3:
			return {kind: 'null'};
		case 4:
			return {kind: 'remove'};
		case 5:
			return {kind: 'const', value: pick(next, ['x', 'été'])};
		default:
			return {kind: 'redact'};
	}
}

function rules(next: Random): ScrubRule[] {
	return Array.from({length: 1 + Math.floor(next() * 3)}, () => {
		const steps = Array.from({length: 1 + Math.floor(next() * 3)}, () => ({
			name: next() < 0.2 ? '*' : pick(next, names),
			each: next() < 0.4,
		}));
		const path = steps.map(step => `${step.name}${step.each ? '[]' : ''}`).join('.');
		return {path, steps, strategy: strategy(next)};
	});
}

function scrubbers(collectionRules: ScrubRule[], unique: boolean): [Scrubber, Scrubber] {
	const make = () => new Scrubber({rules: new Map([['c', collectionRules]]), key, uniqueKinds: unique ? new Set(fakeKinds) : undefined});
	return [make(), make()];
}

/** Today's path, the reference: decode, apply the rules to the objects, serialise. */
function decoded(scrubber: Scrubber, raw: Uint8Array): Uint8Array {
	return BSON.serialize(scrubber.document('c', BSON.deserialize(raw, decodeOptions)), {checkKeys: false, ignoreUndefined: false});
}

test('on raw bytes, every strategy gives what decoding, applying and serialising gives, byte for byte, with the same counts', t => {
	const next = random(16);
	let documents = 0;
	let changed = 0;
	let differences = 0;
	for (let round = 0; round < 1000; round++) {
		const collectionRules = rules(next);
		const [raw, reference] = scrubbers(collectionRules, next() < 0.3);
		const inputs = Array.from({length: 25}, () => BSON.serialize({_id: new Int32(round), ...document(next, 0)}));
		for (const input of inputs) {
			const [output] = raw.batch('c', [input]);
			const expected = decoded(reference, input);
			documents++;
			if (!Buffer.from(output!).equals(Buffer.from(input))) changed++;
			if (Buffer.from(output!).equals(Buffer.from(expected))) continue;
			differences++;
			if (differences <= 3) {
				t.log(collectionRules.map(rule => `${rule.path}: ${JSON.stringify(rule.strategy)}`).join(', '));
				t.log(BSON.deserialize(input), BSON.deserialize(output!), BSON.deserialize(expected));
			}
		}

		t.deepEqual(raw.counts, reference.counts, collectionRules.map(rule => rule.path).join(', '));
	}

	t.log(`${documents} documents, ${changed} changed by the rules`);
	t.is(differences, 0, `${differences} of ${documents} documents differ`);
	t.true(changed > documents / 5, `the rules changed ${changed} of ${documents} documents`);
});

test('named cases: arrays of documents and of arrays, * steps, remove of every element, redact inside documents, and a document no rule touches is returned as it is', t => {
	const steps = (path: string) => path.split('.').map(part => ({name: part.replace(/\[\]$/, ''), each: part.endsWith('[]')}));
	const collectionRules: ScrubRule[] = [
		{path: 'logins[].ip', steps: steps('logins[].ip'), strategy: {kind: 'fake', fake: 'ipv4'}},
		{path: 'grid[]', steps: steps('grid[]'), strategy: {kind: 'hash'}},
		{path: 'contacts.*.email', steps: steps('contacts.*.email'), strategy: {kind: 'fake', fake: 'email'}},
		{path: 'gone[]', steps: steps('gone[]'), strategy: {kind: 'remove'}},
		{path: 'notes', steps: steps('notes'), strategy: {kind: 'redact'}},
		{path: 'photo', steps: steps('photo'), strategy: {kind: 'fake', fake: 'uuid'}},
	];
	const [raw, reference] = scrubbers(collectionRules, false);
	const input = BSON.serialize({
		_id: 1,
		logins: [{ip: '1.2.3.4', at: new Date(0)}, {at: new Date(1)}, 'no document', [{ip: 'nested arrays are not followed'}]],
		grid: [[1, 2], [], 'ünï', {x: 1}, null],
		contacts: {home: {email: 'a@b.example', n: 1}, work: {email: 'c@d.example'}, other: 'x'},
		gone: [1, null, 'ß'],
		notes: {text: 'mail ann@shop.example', list: ['ip 10.0.0.1', 3]},
		photo: new Binary(Buffer.from([1, 2, 3])),
	});
	const [output] = raw.batch('c', [input]);
	t.true(Buffer.from(output!).equals(Buffer.from(decoded(reference, input))));
	const back = BSON.deserialize(output!);
	t.deepEqual(back.gone, []);
	t.is(back.photo, null);
	t.deepEqual(back.logins[3], [{ip: 'nested arrays are not followed'}]);
	t.not(back.contacts.home.email, 'a@b.example');
	t.deepEqual(raw.counts.get('c'), reference.counts.get('c'));

	const untouched = BSON.serialize({_id: 2, other: 'x', logins: [{at: 1}]});
	t.is(raw.batch('c', [untouched])[0], untouched, 'no rule changed it: the very bytes, not a copy');
});

test('where decoding changes untouched values (BSON undefined, integer-like keys), the raw path keeps them as they were', t => {
	const collectionRules: ScrubRule[] = [{path: 'email', steps: [{name: 'email', each: false}], strategy: {kind: 'hash'}}];
	const [raw, reference] = scrubbers(collectionRules, false);
	// {_id: 1, scores: {b: 1, "2": 2}, gone: undefined, email: ...} as a raw cursor hands it over: decoding moves "2" before "b"
	// (a JavaScript object's integer keys come first), and serialising writes undefined as null. Made by patching bytes:
	// the name Q becomes "2", gone's null becomes undefined (neither has value bytes).
	const rebuilt = Buffer.from(BSON.serialize({_id: 1, scores: {b: new Int32(1), Q: new Int32(2)}, gone: null, email: 'ann@shop.example'}));
	rebuilt[rebuilt.indexOf(Buffer.from('Q\0'))] = 0x32;
	const goneAt = rebuilt.indexOf(Buffer.from('gone\0')) - 1;
	t.is(rebuilt[goneAt], 10);
	rebuilt[goneAt] = 6;
	const scoresRaw = Buffer.from(BSON.serialize({b: new Int32(1), Q: new Int32(2)}));
	scoresRaw[scoresRaw.indexOf(Buffer.from('Q\0'))] = 0x32;
	const [output] = raw.batch('c', [rebuilt]);
	const expected = decoded(reference, rebuilt);
	t.deepEqual(raw.counts.get('c'), reference.counts.get('c'));
	const kept = Buffer.from(output!);
	t.true(kept.includes(scoresRaw), 'the keys in their order');
	t.is(kept[kept.indexOf(Buffer.from('gone\0')) - 1], 6, 'undefined stays undefined');
	t.false(Buffer.from(expected).includes(scoresRaw), 'the decoded path reordered them');
	t.is(BSON.deserialize(output!).email, BSON.deserialize(expected).email);
});

test('a rule goes on into a document shaped like a DBRef, which the decoded path passed over (a DBRef object is not a plain document)', t => {
	const collectionRules: ScrubRule[] = [
		{
			path: 'owner.name',
			steps: [
				{name: 'owner', each: false},
				{name: 'name', each: false},
			],
			strategy: {kind: 'hash'},
		},
	];
	const [raw, reference] = scrubbers(collectionRules, false);
	const input = BSON.serialize({_id: 1, owner: {$ref: 'people', $id: 7, name: 'Ann Smith'}});
	const [output] = raw.batch('c', [input]);
	t.is(BSON.deserialize(output!).owner.fields.name, raw.digest('Ann Smith').toString('hex'));
	t.deepEqual(raw.counts.get('c'), {documents: 1, values: 1, converted: 0});
	decoded(reference, input);
	t.deepEqual(reference.counts.get('c'), {documents: 1, values: 0, converted: 0}, 'the decoded path left the name as it was');
});
