import test from 'ava';
import {ValueFilter} from '../../source/core/scrub/value-filter.js';

test('the value filter never rules out a value it was given, and lets few others through (the rate printed)', t => {
	const filter = new ValueFilter();
	const count = 1_000_000;
	for (let index = 0; index < count; index++) filter.add(`customer${index}@shop.example`);
	let missed = 0;
	for (let index = 0; index < count; index++) if (!filter.mayHold(`customer${index}@shop.example`)) missed++;
	t.is(missed, 0, 'every value added may be held');
	let passed = 0;
	for (let index = 0; index < count; index++) if (filter.mayHold(`someone${index}@else.example`)) passed++;
	const rate = passed / count;
	t.log(`a million values in ${filter.byteLength / 1024 / 1024} MiB: ${(rate * 100).toFixed(2)}% of a million others pass`);
	t.true(rate < 0.03, `${rate}`);
	t.true(rate > 0, 'a full filter lets some through: its answers are then digested and looked up');

	const small = new ValueFilter(64);
	for (let index = 0; index < 1000; index++) small.add(`v${index}`);
	t.true(small.mayHold('v999') && small.mayHold('anything'), 'an overfull filter rules nothing out, and so is never wrong');
});
