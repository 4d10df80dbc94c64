import test from 'ava';
import {createDigester, normaliseValue} from '../../source/core/scrub/audit-values.js';
import {findPersonal, textShape} from '../../source/core/scrub/detect.js';
import {StringScan} from '../../source/core/scrub/string-scan.js';
import {filterStep, ValueFilter} from '../../source/core/scrub/value-filter.js';
import {corpusDocuments} from './corpus.js';

/** Every string of a value, however deep. */
function stringsOf(value: unknown, into: string[] = []): string[] {
	if (typeof value === 'string') into.push(value);
	else if (Array.isArray(value)) for (const item of value) stringsOf(item, into);
	else if (value && typeof value === 'object') for (const item of Object.values(value)) stringsOf(item, into);
	return into;
}

/** Strings the byte scan must not settle wrongly: planted leaks in each shape it treats apart, and look-alikes. */
const planted = [
	'Customer5@Shop.EXAMPLE',
	' jane.doe@shop.example ',
	`${'lorem ipsum dolor sit amet '.repeat(60)}write to customer9@shop.example today${' and more'.repeat(20)}`,
	'Chloé Müller',
	'Ｃｕｓｔｏｍｅｒ５＠Ｓｈｏｐ．ｅｘａｍｐｌｅ',
	'42 Rue Re\u0301elle',
	'call +33 6 12 34 0042 after 6',
	'+33 6 12 34 0042',
	'(415) 555-2671',
	'4111-1111-1111-1111',
	'card 4111 1111 1111 1111 on file',
	'123-45-6789',
	'GB82WEST12345698765432',
	'gb82 west 1234 5698 7654 32',
	'10.0.3.1',
	'seen from 10.0.3.1, twice',
	'1:2:3:4:5:6:1.2.3.4',
	'fe80::1ff:fe23:4567:890a',
	'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
	'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
	'Bearer Zx9Qm2Lp8Rt4Vw6Yb1Nc3Kd5Hf7Gj0Ts',
	'ORD-2024-000123',
	'CUSTOMER NUMBER17',
	'tab\tand\nnew line\r\n',
	'2024-01',
	'x'.repeat(64),
	'',
	'abc',
];

const strings = [...planted, ...stringsOf(corpusDocuments(200))];

test('the byte scan agrees with the string path on every string: detectors, shape, normalised value, its filter hash and its digest', t => {
	t.true(strings.length > 2000, `${strings.length} strings`);
	const filter = new ValueFilter();
	const digest = createDigester('a key of sixteen characters');
	const scan = new StringScan(filter.basis);
	let found = 0;
	let settled = 0;
	for (const text of strings) {
		const bytes = Buffer.from(text);
		scan.scan(bytes, 0, bytes.length, true, digest.room);
		const spans = findPersonal(text);
		if (spans.length > 0) {
			found++;
			t.true(scan.mayDetect, `a detector finds something in ${JSON.stringify(text)}: the scan must not skip it`);
		}

		if (!scan.mayDetect) settled++;
		t.deepEqual(findPersonal(text, scan.shape), spans, `the same findings from the bytes' shape: ${JSON.stringify(text)}`);
		const ascii = !/[^\x00-\x7f]/.test(text);
		t.is(scan.ascii, ascii, JSON.stringify(text));
		if (!ascii) continue;
		t.deepEqual(scan.shape, textShape(text), `the same shape: ${JSON.stringify(text)}`);
		const normalised = normaliseValue(text);
		t.is(scan.length, normalised.length, JSON.stringify(text));
		let hash = filter.basis;
		for (let index = 0; index < normalised.length; index++) hash = filterStep(hash, normalised.charCodeAt(index));
		t.is(scan.hash >>> 0, hash >>> 0, `the same filter hash: ${JSON.stringify(text)}`);
		if (scan.written) t.deepEqual(digest.digestRoom(scan.length), digest(normalised), `the same digest: ${JSON.stringify(text)}`);
		else t.true(bytes.length > digest.room.length, 'only a value longer than the room is not written');
	}

	t.log(`${strings.length} strings: ${found} with findings, ${settled} settled by the bytes alone (no detector could match)`);
	t.true(found > 100 && settled > 100);
});

test('a value the source holds passes the filter from its bytes, in any case, spacing or phone punctuation', t => {
	const filter = new ValueFilter();
	for (const value of ['customer5@shop.example', '33612340042', 'customer number17']) filter.add(normaliseValue(value));
	const scan = new StringScan(filter.basis);
	for (const text of [' Customer5@SHOP.example', '+33 6 12 34 0042', '(33) 612-340-042', 'CUSTOMER  NUMBER17']) {
		const bytes = Buffer.from(text);
		scan.scan(bytes, 0, bytes.length, true);
		t.true(scan.ascii && filter.mayHoldHash(scan.hash), text);
	}

	const bytes = Buffer.from('customer6@shop.example');
	scan.scan(bytes, 0, bytes.length, true);
	t.false(filter.mayHoldHash(scan.hash), 'a value never added is (nearly always) ruled out');
});
