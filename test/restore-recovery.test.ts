import test, {type ExecutionContext} from 'ava';
import {serialize} from 'bson';
import {MonarchError} from '../source/core/errors.js';
import {StagingLoad} from '../source/core/restore/staging.js';
import {serverTraits, traitsFor} from '../source/core/server-traits.js';
import {recoverStaging} from '../source/core/swap-journal.js';
import {type Loose, stagingCollections} from './helpers/backup-data.js';
import {testPool} from './helpers/insert-pool.js';
import {withDatabase} from './helpers/servers.js';

const plan = [
	{
		name: 'dogs',
		type: 'collection' as const,
		options: {},
		indexes: [
			{v: 2, key: {_id: 1}, name: '_id_'},
			{v: 2, key: {name: 1}, name: 'name_1', unique: true},
		],
	},
	{name: 'cats', type: 'collection' as const, options: {}, indexes: [{v: 2, key: {_id: 1}, name: '_id_'}]},
];

async function stage(t: ExecutionContext, db: Parameters<typeof recoverStaging>[0]): Promise<StagingLoad> {
	await db.collection<Loose>('dogs').insertMany([
		{_id: 1, name: 'old rex'},
		{_id: 2, name: 'old fido'},
	]);
	await db.collection<Loose>('extra').insertOne({_id: 1});
	const staging = new StagingLoad({db, pool: testPool(t, db), label: 'test', server: {...(await serverTraits(db)), indexesFirst: false}});
	await staging.prepare(plan);
	await staging.insert('dogs', [serialize({_id: 10, name: 'rex'}), serialize({_id: 11, name: 'max'})]);
	await staging.insert('cats', [serialize({_id: 20, name: 'tom'})]);
	for (const {name} of plan) await staging.finishCollection(name);
	return staging;
}

test('a run killed while loading: the next run drops its staging collections, the target keeps its data', async t => {
	const {db} = await withDatabase(t);
	await stage(t, db);
	t.is((await stagingCollections(db)).length, 2);

	const recovered = await recoverStaging(db);
	t.is(recovered.dropped.length, 2);
	t.deepEqual(recovered.finished, []);
	t.deepEqual(await stagingCollections(db), []);
	t.deepEqual(await db.collection<Loose>('dogs').find().sort({_id: 1}).toArray(), [
		{_id: 1, name: 'old rex'},
		{_id: 2, name: 'old fido'},
	]);
	t.is(await db.collection<Loose>('extra').countDocuments(), 1);
	t.is(await db.collection<Loose>('monarch_locks').countDocuments(), 0);
});

test('a run killed in the middle of its swap: the next run finishes the swap, nothing is lost', async t => {
	const {db} = await withDatabase(t);
	const staging = await stage(t, db);
	// What a crash leaves after the journal switched to the swap and `dogs` was dropped but not yet replaced.
	await db.collection<Loose>('monarch_locks').updateOne({_id: `staging:${staging.runId}`} as never, {$set: {phase: 'swap'}});
	await db.collection<Loose>('dogs').drop();

	const recovered = await recoverStaging(db);
	t.deepEqual(recovered.finished, [staging.runId]);
	t.deepEqual(await stagingCollections(db), []);
	t.deepEqual(await db.collection<Loose>('dogs').find().sort({_id: 1}).toArray(), [
		{_id: 10, name: 'rex'},
		{_id: 11, name: 'max'},
	]);
	t.deepEqual(await db.collection<Loose>('cats').find().toArray(), [{_id: 20, name: 'tom'}]);
	t.true(await db.collection<Loose>('dogs').indexExists('name_1'));
	t.deepEqual(
		(await db.listCollections({}, {nameOnly: true}).toArray())
			.map(entry => entry.name)
			.filter(name => name !== 'monarch_locks')
			.sort(),
		['cats', 'dogs'],
	);
	t.is(await db.collection<Loose>('monarch_locks').countDocuments(), 0);
});

test('a load that fails (a unique index the documents break) is discarded and the target keeps its data', async t => {
	const {db} = await withDatabase(t);
	await db.collection<Loose>('dogs').insertOne({_id: 1, name: 'old rex'});
	const staging = new StagingLoad({db, pool: testPool(t, db), label: 'test', server: {...(await serverTraits(db)), indexesFirst: false}});
	await staging.prepare(plan);
	await staging.insert('dogs', [serialize({_id: 10, name: 'twin'}), serialize({_id: 11, name: 'twin'})]);
	await t.throwsAsync(staging.finishCollection('dogs'));
	await staging.discard();
	t.deepEqual(await stagingCollections(db), []);
	t.deepEqual(await db.collection<Loose>('dogs').find().toArray(), [{_id: 1, name: 'old rex'}]);
	t.is(await db.collection<Loose>('monarch_locks').countDocuments(), 0);
});

test('with indexes built first (FerretDB), documents that break a unique index fail the insert and the load is discarded', async t => {
	const {db} = await withDatabase(t);
	await db.collection<Loose>('dogs').insertOne({_id: 1, name: 'old rex'});
	const staging = new StagingLoad({db, pool: testPool(t, db), label: 'test', server: {...(await serverTraits(db)), indexesFirst: true}});
	await staging.prepare(plan);
	await t.throwsAsync(staging.insert('dogs', [serialize({_id: 10, name: 'twin'}), serialize({_id: 11, name: 'twin'})]));
	await staging.discard();
	t.deepEqual(await stagingCollections(db), []);
	t.deepEqual(await db.collection<Loose>('dogs').find().toArray(), [{_id: 1, name: 'old rex'}]);
});

/** A plan whose `dogs` has a TTL index and a partial unique index: options FerretDB v1 does not keep. */
const optioned = [
	{
		name: 'dogs',
		type: 'collection' as const,
		options: {},
		indexes: [
			{v: 2, key: {_id: 1}, name: '_id_'},
			{v: 2, key: {born: 1}, name: 'born_ttl', expireAfterSeconds: 3600},
			{v: 2, key: {name: 1}, name: 'name_partial', unique: true, partialFilterExpression: {name: {$exists: true}}},
		],
	},
];

test('on a server not known to lack index options, a refused TTL or partial index fails the load naming it; the target keeps its data', async t => {
	const {db} = await withDatabase(t);
	await db.collection<Loose>('dogs').insertOne({_id: 1, name: 'old rex'});
	// The server answers as FerretDB, which refuses these options; monarch is told it is a MongoDB, which must never degrade them.
	const staging = new StagingLoad({db, pool: testPool(t, db), label: 'restore test', server: traitsFor({version: '7.0.4'})});
	const error = await t.throwsAsync(async () => {
		await staging.prepare(optioned);
		await staging.insert('dogs', [serialize({_id: 10, name: 'rex', born: new Date(Date.UTC(2020, 0, 1))})]);
		await staging.finishCollection('dogs');
	});
	t.true(error instanceof MonarchError && error.code === 'server-refused', String(error));
	t.regex(
		error.message,
		/^restore test: MongoDB 7\.0\.4 refused index (born_ttl \(.*"expireAfterSeconds":3600.*\)|name_partial \(.*"partialFilterExpression".*\)) on dogs: .+; nothing was changed$/,
	);
	t.false(error.message.includes('\n'));
	await staging.discard();
	t.deepEqual(await stagingCollections(db), []);
	t.deepEqual(await db.collection<Loose>('dogs').find().toArray(), [{_id: 1, name: 'old rex'}]);
	t.deepEqual(
		(await db.collection('dogs').indexes()).map(index => index.name),
		['_id_'],
	);
});

test('on FerretDB, index options it does not keep are left out with a warning naming each index and option', async t => {
	const {db} = await withDatabase(t);
	const warnings: string[] = [];
	const server = await serverTraits(db);
	t.regex(server.description, /^FerretDB( \d+\.\d+\.\d+)?$/);
	const staging = new StagingLoad({
		db,
		pool: testPool(t, db),
		label: 'restore test',
		server,
		events: event => event.type === 'log' && event.level === 'warn' && warnings.push(event.message),
	});
	await staging.prepare(optioned);
	await staging.insert('dogs', [serialize({_id: 10, name: 'rex', born: new Date(Date.UTC(2020, 0, 1))})]);
	await staging.finishCollection('dogs');
	await staging.commit();
	t.deepEqual(warnings, [
		`dogs: index born_ttl is created without expireAfterSeconds (${server.description} keeps only key, name, unique)`,
		`dogs: index name_partial is created without partialFilterExpression (${server.description} keeps only key, name, unique)`,
	]);
	const indexes = await db.collection('dogs').indexes();
	t.deepEqual(
		indexes.map(index => [index.name, index.unique ?? false, 'expireAfterSeconds' in index]),
		[
			['_id_', false, false],
			['born_ttl', false, false],
			['name_partial', true, false],
		],
	);
});
