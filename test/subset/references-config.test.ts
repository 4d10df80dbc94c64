import {mkdtemp, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import test from 'ava';
import {loadConfig} from '../../source/core/config/load.js';
import {referenceValues} from '../../source/core/subset/references.js';

const dev = '"development": {"uri": "mongodb://127.0.0.1:27017", "database": "shop"}';

async function load(references: string) {
	const dir = await mkdtemp(path.join(tmpdir(), 'monarch-references-'));
	await writeFile(path.join(dir, 'monarch.json'), `{"environments": {${dev}}, "references": ${references}}`);
	return loadConfig({cwd: dir});
}

test('references parse into the collection, the path and the field referred to', async t => {
	const config = await load(
		'{"campaigns.account_id": "accounts._id", "orders.items[].sku": "products.sku", "accounts.owner.ref": "accounts._id"}',
	);
	t.deepEqual(config.references, [
		{
			entry: 'campaigns.account_id',
			from: {collection: 'campaigns', path: 'account_id', steps: ['account_id'], query: 'account_id'},
			to: {collection: 'accounts', field: '_id'},
		},
		{
			entry: 'orders.items[].sku',
			from: {collection: 'orders', path: 'items[].sku', steps: ['items', 'sku'], query: 'items.sku'},
			to: {collection: 'products', field: 'sku'},
		},
		{
			entry: 'accounts.owner.ref',
			from: {collection: 'accounts', path: 'owner.ref', steps: ['owner', 'ref'], query: 'owner.ref'},
			to: {collection: 'accounts', field: '_id'},
		},
	]);
});

test('no references is an empty list', async t => {
	const dir = await mkdtemp(path.join(tmpdir(), 'monarch-references-'));
	await writeFile(path.join(dir, 'monarch.json'), `{"environments": {${dev}}}`);
	t.deepEqual((await loadConfig({cwd: dir})).references, []);
});

const malformed: Array<[string, string, RegExp]> = [
	[
		'a value that is not a string',
		'{"campaigns.account_id": 3}',
		/^monarch\.json: references\.campaigns\.account_id: the value is "<collection>\.<field>"/,
	],
	['a key without a path', '{"campaigns": "accounts._id"}', /^monarch\.json: references\.campaigns: the key "campaigns" names no field/],
	[
		'a value without a field',
		'{"campaigns.account_id": "accounts"}',
		/^monarch\.json: references\.campaigns\.account_id: the value "accounts" names no field/,
	],
	[
		'an empty step',
		'{"orders.items..sku": "products.sku"}',
		/^monarch\.json: references\.orders\.items\.\.sku: the key .* has an empty step/,
	],
	['[] inside a step', '{"orders.it[]ems.sku": "products.sku"}', /references\.orders\.it\[\]ems\.sku: the key .*"\[\]" only ends a step/],
	[
		'[] in the value',
		'{"orders.items[].sku": "products.skus[]"}',
		/references\.orders\.items\[\]\.sku: the value .* names a field, which holds no "\[\]"/,
	],
	['a $ step', '{"orders.$where": "products.sku"}', /references\.orders\.\$where: the key .* starts with "\$"/],
	['no collection', '{".account_id": "accounts._id"}', /references\.\.account_id: the key .* starts with no collection name/],
	['not an object', '[]', /^monarch\.json: references: expected record, got an array|^monarch\.json: references: /],
];

for (const [title, references, expected] of malformed) {
	test(`a malformed reference is one line naming it: ${title}`, async t => {
		const error = await t.throwsAsync(load(references));
		t.regex(error.message, expected);
		t.false(error.message.includes('\n'));
	});
}

test('referenceValues follows arrays on the way and at the end, and skips what is missing', t => {
	const order = {items: [{sku: 'a'}, {sku: 'b'}, {qty: 1}, {sku: null}], tags: ['x', 'y'], owner: {ref: 7}};
	t.deepEqual(referenceValues(order, ['items', 'sku']), ['a', 'b']);
	t.deepEqual(referenceValues(order, ['tags']), ['x', 'y']);
	t.deepEqual(referenceValues(order, ['owner', 'ref']), [7]);
	t.deepEqual(referenceValues(order, ['missing', 'x']), []);
});
