import test from 'ava';
import {Crc64, crc64, crc64Hex} from '../../source/core/archive/index.js';

// Reference values printed by Go: crc64.Checksum(data, crc64.MakeTable(crc64.ECMA)).
const stringVectors: Array<[string, string]> = [
	['', '0000000000000000'],
	['a', '330284772e652b05'],
	['123456789', '995dc9bbdf1939fa'],
	['hello world', '53037ecdef2352da'],
	['The quick brown fox jumps over the lazy dog', '5b5eb8c2e54aa1c4'],
];

// pattern(n)[i] = (i * 31 + 7) % 251
const patternVectors: Array<[number, string]> = [
	[1, '23d7181e300f9e5e'],
	[7, '4d1d36924f82a1ff'],
	[8, 'a9a023190c6dc6d0'],
	[9, 'b4951fb3ef93e206'],
	[15, '5322a9df3f7e7b04'],
	[16, '8b30950a2a964c81'],
	[17, 'd64ac673b9caa657'],
	[255, '9d2fac191b068899'],
	[4096, '1193507a132ced7c'],
	[1 << 20, '8cc09b3370cb7622'],
];

function pattern(length: number): Buffer {
	const bytes = Buffer.alloc(length);
	for (let index = 0; index < length; index++) bytes[index] = (index * 31 + 7) % 251;
	return bytes;
}

test('matches Go for string vectors', t => {
	for (const [input, expected] of stringVectors) {
		t.is(crc64Hex(crc64(Buffer.from(input))), expected, input);
		t.is(new Crc64().update(Buffer.from(input)).hex(), expected, input);
	}
});

test('matches Go for byte patterns around the 8-byte fast path', t => {
	for (const [length, expected] of patternVectors) {
		t.is(new Crc64().update(pattern(length)).hex(), expected, `length ${length}`);
	}
});

test('matches Go for all-ones and all-zeros input', t => {
	t.is(new Crc64().update(Buffer.alloc(64, 0xff)).hex(), '7642bad50786112f');
	t.is(new Crc64().update(Buffer.alloc(32)).hex(), 'c95af8617cd5330c');
});

test('updates accumulate like one checksum over the concatenation, at every split', t => {
	const data = pattern(300);
	const whole = crc64(data);
	for (let split = 0; split <= data.length; split++) {
		const running = new Crc64().update(data.subarray(0, split)).update(data.subarray(split));
		t.is(running.digest(), whole, `split at ${split}`);
	}
});

test('continues from a previous checksum like Go crc64.Update', t => {
	// Go: crc64.Update(crc64.Checksum("1234"), table, "56789")
	const first = crc64(Buffer.from('1234'));
	t.is(crc64Hex(crc64(Buffer.from('56789'), first)), '995dc9bbdf1939fa');
	t.is(new Crc64(first).update(Buffer.from('56789')).hex(), '995dc9bbdf1939fa');
});

test('works on Uint8Array views with an offset', t => {
	const backing = Buffer.from('xx123456789yy');
	const view = new Uint8Array(backing.buffer, backing.byteOffset + 2, 9);
	t.is(new Crc64().update(view).hex(), '995dc9bbdf1939fa');
});

test('digest and hex agree, including high-bit values', t => {
	const running = new Crc64().update(Buffer.from('123456789'));
	t.is(running.digest(), 0x99_5d_c9_bb_df_19_39_fan);
	t.is(crc64Hex(running.digest()), running.hex());
	t.is(crc64Hex(-1n), 'ffffffffffffffff');
});
