import {GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand} from '@aws-sdk/client-s3';
import {Upload} from '@aws-sdk/lib-storage';
import test from 'ava';
import {ObjectId} from 'mongodb';
import {mongoUri, s3Config, withBucketPrefix, withDatabase} from './helpers/servers.js';

test('the test servers are configured', t => {
	t.regex(mongoUri(), /^mongodb(\+srv)?:\/\//);
	const config = s3Config();
	t.regex(config.endpoint, /^https?:\/\//);
	t.truthy(config.bucket);
	t.true(config.forcePathStyle);
});

test('MongoDB stores and returns a document, and lists indexes', async t => {
	const {name, db} = await withDatabase(t);
	t.regex(name, /^t_[\da-f]{12}$/);
	const people = db.collection<{_id: ObjectId; name: string; born: Date; tags: string[]}>('people');
	const born = new Date('1990-04-01T00:00:00.000Z');
	const {insertedId} = await people.insertOne({_id: new ObjectId(), name: 'Ada', born, tags: ['a', 'b']});

	const found = await people.findOne({_id: insertedId});
	t.deepEqual(found, {_id: insertedId, name: 'Ada', born, tags: ['a', 'b']});
	t.is(await people.countDocuments({name: 'Ada'}), 1);

	await people.createIndex({name: 1}, {unique: true, name: 'name_unique'});
	const indexes = await people.listIndexes().toArray();
	t.deepEqual(indexes.map(index => index.name).sort(), ['_id_', 'name_unique']);
	await t.throwsAsync(people.insertOne({_id: new ObjectId(), name: 'Ada', born, tags: []}), {message: /duplicate key/i});
});

test('each test gets its own database, dropped afterwards', async t => {
	const first = await withDatabase(t);
	const second = await withDatabase(t);
	t.not(first.name, second.name);
	await first.db.collection('x').insertOne({n: 1});
	t.is(await second.db.collection('x').countDocuments(), 0);
});

test('S3 stores and returns an object under a fresh prefix', async t => {
	const {client, bucket, prefix} = await withBucketPrefix(t);
	const key = `${prefix}hello.txt`;
	await client.send(new PutObjectCommand({Bucket: bucket, Key: key, Body: 'hello monarch', ContentType: 'text/plain'}));

	const object = await client.send(new GetObjectCommand({Bucket: bucket, Key: key}));
	t.is(await object.Body?.transformToString(), 'hello monarch');
	t.is(object.ContentType, 'text/plain');

	const listed = await client.send(new ListObjectsV2Command({Bucket: bucket, Prefix: prefix}));
	t.deepEqual(
		listed.Contents?.map(entry => entry.Key),
		[key],
	);
});

test('S3 accepts multipart uploads', async t => {
	const {client, bucket, prefix} = await withBucketPrefix(t);
	const key = `${prefix}big.bin`;
	const body = Buffer.alloc(11 * 1024 * 1024);
	for (let index = 0; index < body.length; index += 4096) {
		body[index] = index % 251;
	}

	await new Upload({client, params: {Bucket: bucket, Key: key, Body: body}, partSize: 5 * 1024 * 1024}).done();

	const head = await client.send(new HeadObjectCommand({Bucket: bucket, Key: key}));
	t.is(head.ContentLength, body.length);
	t.regex(head.ETag ?? '', /-3"$/);
	const object = await client.send(new GetObjectCommand({Bucket: bucket, Key: key}));
	t.true(Buffer.from(await object.Body!.transformToByteArray()).equals(body));
});
