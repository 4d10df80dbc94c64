import test from 'ava';
import {collectionsNamed, referenceStem} from '../../source/core/subset/reference-names.js';

test('the stem a reference-like name says: _id, Id, ID and arrays of them; no stem for other names', t => {
	const stems = Object.fromEntries(
		[
			'account_id',
			'accountId',
			'accountID',
			'tag_ids[]',
			'tagIds[]',
			'items[].product_id',
			'dogHouseId',
			'user__id',
			'_id',
			'id',
			'order_number',
			'paid',
			'uuid',
			'external',
		].map(path => [path, referenceStem(path) ?? null]),
	);
	t.deepEqual(stems, {
		account_id: 'account',
		accountId: 'account',
		accountID: 'account',
		'tag_ids[]': 'tag',
		'tagIds[]': 'tag',
		'items[].product_id': 'product',
		dogHouseId: 'dog_house',
		user__id: 'user',
		_id: null,
		id: null,
		order_number: null,
		paid: null,
		uuid: null,
		external: null,
	});
});

test('the collections a stem names: itself or its plural, without case or separators', t => {
	const collections = ['accounts', 'categories', 'boxes', 'people', 'dog_houses', 'DogHouses', 'series', 'status'];
	t.deepEqual(collectionsNamed('account', collections), ['accounts']);
	t.deepEqual(collectionsNamed('category', collections), ['categories']);
	t.deepEqual(collectionsNamed('box', collections), ['boxes']);
	t.deepEqual(collectionsNamed('person', collections), ['people']);
	t.deepEqual(collectionsNamed('dog_house', collections), ['dog_houses', 'DogHouses']);
	t.deepEqual(collectionsNamed('series', collections), ['series']);
	t.deepEqual(collectionsNamed('status', collections), ['status']);
	t.deepEqual(collectionsNamed('campaign', collections), []);
});
