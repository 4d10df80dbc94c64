import test from 'ava';
import {findPersonal} from '../../source/core/scrub/detect.js';
import {fakeKinds} from '../../source/core/scrub/fakes.js';
import {parseStrategy} from '../../source/core/scrub/rule.js';
import {parseScrubConfig} from '../../source/core/scrub/rules-config.js';
import {Scrubber} from '../../source/core/scrub/scrubber.js';

const key = 'a-test-key-of-some-length';
const jwt = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const note = `Jane (jane@x.org, +1 555 0100) paid with 4111 1111 1111 1111 from DE89 3704 0044 0532 0130 00; IP 203.0.113.7 / 2001:db8::1, SSN 123-45-6789, token ${jwt}, key sk_live_4eC39HqLyjWDarjtT1zdp7dc. Thanks!`;

function scrubberOf(rules: Record<string, Record<string, string>>, options: {key?: string; unique?: boolean} = {}): Scrubber {
	const config = parseScrubConfig(rules);
	return new Scrubber({rules: config.rules, key: options.key ?? key, uniqueKinds: options.unique ? new Set(fakeKinds) : undefined});
}

test('redact parses as a strategy', t => {
	t.deepEqual(parseStrategy('redact'), {kind: 'redact'});
	t.throws(() => parseStrategy('redacted'), {message: /unknown strategy "redacted": .*redact/});
});

test('redact replaces every finding in a text by one of its kind and leaves the rest', t => {
	const scrubber = scrubberOf({accounts: {notes: 'redact'}});
	const document = {_id: 1, notes: note};
	scrubber.document('accounts', document);
	const redacted = document.notes;
	for (const secret of [
		'jane@x.org',
		'555 0100',
		'4111 1111 1111 1111',
		'DE89 3704',
		'203.0.113.7',
		'2001:db8::1',
		'123-45-6789',
		jwt,
		'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
	])
		t.false(redacted.includes(secret), secret);
	// The words around the findings are as they were.
	const words = redacted.split(/[\s,;()]+/);
	for (const word of ['Jane', 'paid', 'with', 'from', 'IP', 'SSN', 'token', 'key', 'Thanks!']) t.true(words.includes(word), word);
	t.true(redacted.startsWith('Jane ('));
	// Each finding became one of the same kind (or shape), in the same order.
	const kinds = (text: string) => findPersonal(text).map(span => span.kind);
	t.deepEqual(kinds(note), ['email', 'phone', 'card', 'iban', 'ipv4', 'ipv6', 'ssn', 'jwt', 'token']);
	t.regex(redacted, /\b9\d\d-[0-4]\d-\d{4}\b/, 'an SSN becomes 9xx-yy-zzzz, a number never issued');
	t.regex(
		redacted,
		/key [a-z]{2}_[a-z]{4}_[A-Za-z0-9]{24}\. Thanks!$/,
		"a token keeps its shape: each character's class, the rest as it was",
	);
	t.regex(redacted, /token eyJ[\w-]+\.[\w-]+\.[\w-]+, key/, 'a JWT stays three base64url parts');
	t.deepEqual(scrubber.counts.get('accounts'), {documents: 1, values: 1, converted: 0});
});

test('redact is deterministic across scrubbers and collections, and agrees with fake.<kind> on whole fields', t => {
	const first = scrubberOf({accounts: {notes: 'redact', email: 'fake.email', ip: 'fake.ipv4'}, tickets: {'messages[].body': 'redact'}});
	const account = {_id: 1, notes: 'write to jane@x.org from 203.0.113.7', email: 'jane@x.org', ip: '203.0.113.7'};
	const ticket = {_id: 2, messages: [{body: 'jane@x.org again'}, {body: 'nothing personal'}]};
	first.document('accounts', account);
	first.document('tickets', ticket);
	t.is(account.notes, `write to ${account.email} from ${account.ip}`, 'same fakes as fake.email and fake.ipv4 give the whole fields');
	t.is(ticket.messages[0]!.body, `${account.email} again`, 'the same email in another collection');
	t.is(ticket.messages[1]!.body, 'nothing personal');
	t.deepEqual(first.counts.get('tickets'), {documents: 1, values: 1, converted: 0}, 'only changed values are counted');

	const again = {_id: 1, notes: 'write to jane@x.org from 203.0.113.7'};
	scrubberOf({accounts: {notes: 'redact'}}).document('accounts', again);
	t.is(again.notes, account.notes, 'a new scrubber with the same key gives the same text');
	const otherKey = {_id: 1, notes: 'write to jane@x.org from 203.0.113.7'};
	scrubberOf({accounts: {notes: 'redact'}}, {key: 'another-key-entirely'}).document('accounts', otherKey);
	t.not(otherKey.notes, account.notes);

	const unique = scrubberOf({accounts: {notes: 'redact', email: 'fake.email'}}, {unique: true});
	const uniqueAccount = {_id: 1, notes: 'jane@x.org', email: 'jane@x.org'};
	unique.document('accounts', uniqueAccount);
	t.is(uniqueAccount.notes, uniqueAccount.email, 'with the discriminator of a unique email too');
});

test('redact walks arrays and documents under its path and leaves other types', t => {
	const scrubber = scrubberOf({accounts: {notes: 'redact'}});
	const document = {_id: 1, notes: {a: ['mail jane@x.org', 42, null, true], b: {c: 'call +44 20 7946 0958'}}};
	scrubber.document('accounts', document);
	t.false(JSON.stringify(document).includes('jane@x.org'));
	t.false(JSON.stringify(document).includes('7946 0958'));
	t.deepEqual(document.notes.a.slice(1), [42, null, true]);
	t.regex(document.notes.a[0] as string, /^mail \S+@\S+$/);
	t.deepEqual(scrubber.counts.get('accounts'), {documents: 1, values: 2, converted: 0});
});
