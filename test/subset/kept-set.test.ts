import test from 'ava';
import {MongoClient} from 'mongodb';
import {KeptSets} from '../../source/core/subset/kept-set.js';
import {testMongoUri} from '../helpers/project.js';

test('keys added to several sets at once are all kept, in memory or spilled, and the budget spills every set past it', async t => {
	const client = new MongoClient(testMongoUri());
	const db = client.db(`kept_set_test_${process.pid}`);
	try {
		const sets = new KeptSets({memoryKeys: 1500, place: {database: async () => db}});
		const names = ['a', 'b', 'c'];
		const created = names.map(() => sets.create());
		const keysOf = (name: string, batch: number) => Array.from({length: 400}, (_, index) => `s${name}-${batch}-${index}`);
		// Every batch of every set at once: the sets spill while batches are still being added, each spill counted once.
		await Promise.all(created.flatMap((set, index) => Array.from({length: 8}, async (_, batch) => set.add(keysOf(names[index]!, batch)))));
		t.true(sets.spilled >= 2);
		for (const [index, set] of created.entries()) {
			const all = Array.from({length: 8}, (_, batch) => keysOf(names[index]!, batch)).flat();
			t.is(set.size, all.length);
			t.true((await set.has(all)).every(Boolean), `set ${names[index]} lost keys`);
			t.false((await set.has(['snot-there']))[0]);
			const listed: string[] = [];
			for await (const batch of set.batches()) listed.push(...batch);
			t.deepEqual(listed.sort(), [...all].sort());
		}
	} finally {
		await db.dropDatabase();
		await client.close();
	}
});
