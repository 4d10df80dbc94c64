import {randomBytes} from 'node:crypto';
import {setFlagsFromString} from 'node:v8';
import {runInNewContext} from 'node:vm';
import test from 'ava';
import {createDigester, maskValue, normaliseValue} from '../../source/core/scrub/audit-values.js';
import {DigestSet} from '../../source/core/scrub/digest-set.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Bytes the process holds after a full collection: heap plus array buffers. */
function held(): number {
	gc();
	gc();
	const usage = process.memoryUsage();
	return usage.heapUsed + usage.arrayBuffers;
}

test('a million digests: every one found, none invented, and the bytes per million values measured beside a Set of bigints', t => {
	const million = 1_000_000;
	const words = new Uint32Array(randomBytes(million * 8).buffer);
	const before = held();
	const digests = new DigestSet();
	for (let index = 0; index < million; index++) digests.add(words[index * 2]!, words[index * 2 + 1]!);
	const setBytes = held() - before;
	t.is(digests.size, million);
	let lost = 0;
	for (let index = 0; index < million; index++) if (!digests.has(words[index * 2]!, words[index * 2 + 1]!)) lost++;
	t.is(lost, 0);
	const absent = new Uint32Array(randomBytes(100_000 * 8).buffer);
	let invented = 0;
	for (let index = 0; index < 100_000; index++) if (digests.has(absent[index * 2]!, absent[index * 2 + 1]!)) invented++;
	t.is(invented, 0);

	const beforeBigints = held();
	const bigints = new Set<bigint>();
	for (let index = 0; index < million; index++) bigints.add((BigInt(words[index * 2]!) << 32n) | BigInt(words[index * 2 + 1]!));
	const bigintBytes = held() - beforeBigints;
	t.is(bigints.size, million);
	t.log(
		`a million values: DigestSet ${(digests.byteLength / 2 ** 20).toFixed(1)} MiB table (${(setBytes / 2 ** 20).toFixed(1)} MiB measured, ${(setBytes / million).toFixed(1)} B a value); Set<bigint> ${(bigintBytes / 2 ** 20).toFixed(1)} MiB (${(bigintBytes / million).toFixed(1)} B a value)`,
	);
	t.true(digests.byteLength <= million * 32, 'at most 32 bytes a value');
	t.true(setBytes < bigintBytes, 'less than a Set of bigints');
});

test('the digest of 0 is kept apart from empty slots', t => {
	const digests = new DigestSet(16);
	t.false(digests.has(0, 0));
	t.true(digests.add(0, 0));
	t.false(digests.add(0, 0));
	t.true(digests.has(0, 0));
	t.is(digests.size, 1);
});

test('normalised values meet across case, spaces and phone punctuation; the digest depends on the per-run key', t => {
	t.is(normaliseValue(' Jane.Doe@Shop.EXAMPLE '), 'jane.doe@shop.example');
	t.is(normaliseValue('Jane  Doe'), normaliseValue('jane doe'));
	t.is(normaliseValue('+33 6 12 34 56 78'), '33612345678');
	t.is(normaliseValue('(415) 555-2671'), normaliseValue('415.555.2671'));
	t.is(normaliseValue('4111-1111-1111-1111'), '4111111111111111');
	t.is(normaliseValue('2024-01'), '2024-01', 'a short run of digits keeps its punctuation');
	const one = createDigester('a key of sixteen characters');
	const other = createDigester('another key of sixteen characters');
	t.deepEqual(one('jane@shop.example'), one('jane@shop.example'));
	t.notDeepEqual(one('jane@shop.example'), other('jane@shop.example'));
	t.notDeepEqual(one('jane@shop.example'), one('jane@shop.exampl'));
});

test('masked examples never hold the value', t => {
	t.is(maskValue('jane.doe@shop.example', 'email'), 'j***@s***.example');
	t.is(maskValue('+33 6 12 34 56 78', 'phone'), '+** * ** ** ** 78');
	t.is(maskValue('4111 1111 1111 1111', 'card'), '**** **** **** **11');
	t.is(maskValue('10.0.3.1', 'ipv4'), '10.*.*.*');
	t.is(maskValue('Customer Number7', 'value'), 'C*** (16 characters)');
	t.is(maskValue('FR7630006000011234567890189', 'iban'), 'F*** (27 characters)');
});
