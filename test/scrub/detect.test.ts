import test from 'ava';
import {detectValue, findPersonal, type PersonalKind} from '../../source/core/scrub/detect.js';
import {suggestByName, words} from '../../source/core/scrub/field-names.js';
import {addString, emptyStats, suggestPath} from '../../source/core/scrub/suggest-path.js';

/** The findings of `text` as [kind, the text found]. */
function found(text: string): Array<[PersonalKind, string]> {
	return findPersonal(text).map(span => [span.kind, text.slice(span.start, span.end)]);
}

test('findPersonal finds each kind inside text, in order, with exact spans', t => {
	t.deepEqual(found('Mail jane.doe@example.org or call +33 6 12 34 56 78.'), [
		['email', 'jane.doe@example.org'],
		['phone', '+33 6 12 34 56 78'],
	]);
	t.deepEqual(found('call Jane at +1 555 0100 tomorrow'), [['phone', '+1 555 0100']], 'a + number in a range libphonenumber does not know');
	t.deepEqual(found('US office (415) 555-2671, UK 020 7946 0958'), [
		['phone', '(415) 555-2671'],
		['phone', '020 7946 0958'],
	]);
	t.deepEqual(found('paid with 4111 1111 1111 1111 and 5500-0000-0000-0004'), [
		['card', '4111 1111 1111 1111'],
		['card', '5500-0000-0000-0004'],
	]);
	t.deepEqual(found('IBAN DE89 3704 0044 0532 0130 00, or GB82WEST12345698765432'), [
		['iban', 'DE89 3704 0044 0532 0130 00'],
		['iban', 'GB82WEST12345698765432'],
	]);
	t.deepEqual(found('from 192.168.1.20 and 2001:db8::8a2e:370:7334 and ::ffff:10.0.0.1'), [
		['ipv4', '192.168.1.20'],
		['ipv6', '2001:db8::8a2e:370:7334'],
		['ipv6', '::ffff:10.0.0.1'],
	]);
	t.deepEqual(found('SSN 123-45-6789'), [['ssn', '123-45-6789']]);
	const jwt = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
	t.deepEqual(found(`Authorization: Bearer ${jwt}`), [['jwt', jwt]]);
	t.deepEqual(found('key sk_live_4eC39HqLyjWDarjtT1zdp7dc here'), [['token', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc']]);
});

test('findPersonal leaves look-alikes alone', t => {
	const lookAlikes = [
		'da39a3ee5e6b4b0d3255bfef95601890afd80709', // sha1
		'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', // sha256
		'507f1f77bcf86cd799439011', // ObjectId
		'550e8400-e29b-41d4-a716-446655440000', // UUID
		'2026-03-01T09:30:00Z',
		'2024-03-12 10:22:11',
		'12.03.2024',
		'978-3-16-148410-0', // ISBN-13
		'1Z999AA10123456784', // UPS tracking
		'9400 1000 0000 0000 0000 00', // USPS tracking
		'ORD-2024-000123',
		'4155552671', // a bare run of digits: an order number as likely as a phone
		'SKU-88213-BLU-XL',
		'v2.14.1',
		'$1,299.00',
		'12:30:45',
		'women-summer-dress-floral-xl-2024-v2',
		'SomeFolderSub2FolderFile',
		'123-00-4567', // SSN shape with group 00
		'666-12-3456', // area 666
		'4111 1111 1111 1112', // fails Luhn
		'DE89 3704 0044 0532 0130 01', // fails mod 97
		'999.1.2.3', // not an IP
		'The quick brown fox jumps over the lazy dog, twice.',
	];
	for (const text of lookAlikes) t.deepEqual(found(text), [], text);
});

test('detectValue tells a value of one kind from text holding some', t => {
	t.is(detectValue('jane@example.org'), 'email');
	t.is(detectValue('  +44 20 7946 0958 '), 'phone');
	t.is(detectValue('4111111111111111'), 'card');
	t.is(detectValue('10.1.2.3'), 'ipv4');
	t.is(detectValue('Jane <jane@example.org>'), 'text-with-personal');
	t.is(detectValue('a@b.co and c@d.co'), 'text-with-personal');
	t.is(detectValue('nothing here'), undefined);
	t.is(detectValue(''), undefined);
});

test('overlapping findings: the more specific kind wins (an email holding digits is one email)', t => {
	t.deepEqual(found('write to jane.4155552671@example.org'), [['email', 'jane.4155552671@example.org']]);
});

test('words() reads every spelling of a field name the same way', t => {
	for (const name of ['firstName', 'first_name', 'first-name', 'FIRST_NAME', 'FirstName', 'first name'])
		t.is(words(name), '_first_name_', name);
	t.is(words('addressLine1'), '_address_line_1_');
	t.is(words('IPAddress'), '_ip_address_');
});

test('suggestByName: personal names in their usual spellings, and not their look-alikes', t => {
	const expected: Record<string, string> = {
		email: 'fake.email',
		contactEmail: 'fake.email',
		'emails[]': 'fake.email',
		'emails[].address': 'fake.email',
		'e-mail': 'fake.email',
		phone: 'fake.phone',
		mobile_number: 'fake.phone',
		tel: 'fake.phone',
		'phones[].number': 'fake.phone',
		firstName: 'fake.firstName',
		'name.first': 'fake.firstName',
		surname: 'fake.lastName',
		last_name: 'fake.lastName',
		fullName: 'fake.fullName',
		name: 'fake.fullName',
		username: 'fake.username',
		'address.street': 'fake.street',
		'address.line1': 'fake.street',
		addr: 'fake.street',
		city: 'fake.city',
		zipcode: 'fake.zip',
		postcode: 'fake.zip',
		'address.postal_code': 'fake.zip',
		dob: 'null',
		dateOfBirth: 'null',
		ssn: 'hash',
		tax_id: 'hash',
		nationalId: 'hash',
		passport_no: 'hash',
		iban: 'fake.iban',
		accountNumber: 'hash',
		card_number: 'fake.creditCard',
		'card.number': 'fake.creditCard',
		pan: 'fake.creditCard',
		cvv: 'null',
		ip: 'fake.ipv4',
		ipAddress: 'fake.ipv4',
		'logins[].ip': 'fake.ipv4',
		lat: 'null',
		'geo.lng': 'null',
		password: 'hash',
		pwd: 'hash',
		apiKey: 'hash',
		refresh_token: 'hash',
		userAgent: 'fake.userAgent',
		deviceId: 'hash',
	};
	for (const [path, strategy] of Object.entries(expected)) t.is(suggestByName(path, 'accounts')?.strategy, strategy, path);
	for (const path of [
		'email_verified',
		'phone_count',
		'hotel',
		'zip_files',
		'order_number',
		'tracking_number',
		'sku',
		'status',
		'created_at',
		'content_hash',
		'sha256',
		'version',
		'isbn',
		'price',
		'product_name',
		'fileName',
		'card.brand',
		'address.country',
		'_id',
		'token_count',
	]) {
		t.is(suggestByName(path, 'accounts'), undefined, path);
	}

	t.is(suggestByName('name', 'products'), undefined, "a product's name is no person's");
	t.is(suggestByName('name', 'dogs'), undefined, "nor a dog's");
	t.is(suggestByName('born', 'dogs'), undefined, 'nor its birth date');
	t.is(suggestByName('born', 'customers')?.strategy, 'null');
	t.is(suggestByName('category.name', 'accounts'), undefined);
	t.regex(suggestByName('email')?.reason ?? '', /the name says an email address/);
});

test('suggestPath: a name yields to values that cannot hold it; values decide where the name says nothing', t => {
	const stats = (types: string[], strings: string[] = []) => {
		const seen = emptyStats();
		for (const type of types) seen.types.add(type);
		seen.documents = 10;
		for (const value of strings) addString(seen, value);
		return seen;
	};

	t.deepEqual(suggestPath('mobile', stats(['bool']), 'accounts'), {
		suggestion: 'keep',
		reason: 'the name says a phone number, but the values are bool',
	});
	t.deepEqual(suggestPath('dob', stats(['date']), 'accounts'), {suggestion: 'null', reason: 'the name says a birth date'});
	t.is(suggestPath('last_login_ip', stats(['date']), 'accounts').suggestion, 'keep');
	t.deepEqual(suggestPath('zip', stats(['int']), 'accounts'), {
		suggestion: 'fake.zip',
		reason: 'the name says a postal code (the values are int: the fake is a string)',
	});
	t.deepEqual(suggestPath('_id', stats(['objectId']), 'accounts'), {suggestion: 'keep', reason: 'the document id (ObjectId)'});
	t.deepEqual(suggestPath('contact', stats(['string'], ['a@x.org', 'b@y.org', 'n/a']), 'accounts'), {
		suggestion: 'fake.email',
		reason: '67% of values look like email addresses',
	});
	t.deepEqual(suggestPath('ref', stats(['string'], ['a@x.org', '10.0.0.1', 'n/a', 'n/a']), 'accounts'), {
		suggestion: 'redact',
		reason: '50% of values hold email addresses, IPv4 addresses',
	});
	t.deepEqual(suggestPath('comment', stats(['string'], ['fine', 'write to a@x.org']), 'accounts'), {
		suggestion: 'redact',
		reason: '50% of values hold email addresses',
	});
	const codes = stats(['string'], [...Array.from({length: 9}, (_, index) => `code ${index}`), '4111111111111111']);
	t.deepEqual(suggestPath('code', codes, 'orders'), {
		suggestion: 'keep',
		reason: '1 of 10 values hold card numbers, too few to call the field personal: check',
	});
});
