/**
 * `npm start`'s front door: which MongoDB it runs the sample on, and what it
 * writes there. The end-to-end run (`npm start` without a terminal on a fresh
 * clone) is proven by .ci/run; these tests cover the cases around it.
 */
import {randomBytes} from 'node:crypto';
import {mkdir, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import net from 'node:net';
import {tmpdir} from 'node:os';
import path from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {MongoClient} from 'mongodb';
import {type FindMongoOptions, findMongo} from '../scripts/sample/find-mongo.js';
import {seedSample} from '../scripts/sample/seed.js';
import {pingMongo} from '../scripts/servers/index.js';
import {testMongoUri} from './helpers/project.js';

/** Options for findMongo in a temp folder, and the lines it logged. */
async function options(t: ExecutionContext, overrides: Partial<FindMongoOptions> = {}) {
	const root = await mkdtemp(path.join(tmpdir(), 'monarch-start-'));
	t.teardown(async () => rm(root, {recursive: true, force: true}));
	const lines: string[] = [];
	const found: FindMongoOptions = {
		dataDir: path.join(root, 'sample-data'),
		logFile: name => path.join(root, 'logs', `${name}.log`),
		log: line => lines.push(line),
		// Port 9 (discard) listens nowhere here, and no ephemeral port can land on it: never a developer's own MongoDB on 27017.
		defaultUri: 'mongodb://127.0.0.1:9/',
		...overrides,
	};
	return {options: found, lines, root};
}

test('an explicit MONARCH_MONGODB_URI that does not answer fails in one line, password hidden, and nothing is started', async t => {
	const port = 9;
	const {options: found, lines} = await options(t, {explicitUri: `mongodb://app:s3cret@127.0.0.1:${port}/`});
	const error = await t.throwsAsync(findMongo(found));
	t.regex(
		error.message,
		new RegExp(
			`^MONARCH_MONGODB_URI \\(mongodb://app:\\*\\*\\*@127\\.0\\.0\\.1:${port}/\\) did not answer as a MongoDB \\(.+\\): start that server, or unset MONARCH_MONGODB_URI to let npm start run its own$`,
		),
	);
	t.false(error.message.includes('s3cret'));
	t.deepEqual(lines, []);
	await t.throwsAsync(readdir(found.dataDir), {code: 'ENOENT'});
});

test('a MongoDB already listening is used as it is, named explicitly or at the usual address', async t => {
	const explicit = await options(t, {explicitUri: testMongoUri()});
	t.deepEqual(await findMongo(explicit.options), {uri: testMongoUri()});
	const usual = await options(t, {defaultUri: testMongoUri()});
	t.deepEqual(await findMongo(usual.options), {uri: testMongoUri()});
	t.deepEqual([...explicit.lines, ...usual.lines], []);
});

test('an address that answers but not as a MongoDB is passed over in one line, and the sample gets its own FerretDB', async t => {
	const impostor = net.createServer(socket => {
		socket.on('error', () => {}); // the driver hangs up on it
		socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
	});
	await new Promise<void>(resolve => impostor.listen(0, '127.0.0.1', resolve));
	t.teardown(() => impostor.close());
	const {port} = impostor.address() as net.AddressInfo;
	const {options: found, lines} = await options(t, {defaultUri: `mongodb://127.0.0.1:${port}/`});

	const {uri, server} = await findMongo(found);
	t.teardown(async () => server?.stop());
	t.truthy(server, 'our FerretDB was started');
	await pingMongo(uri);
	t.regex(lines[0]!, new RegExp(`^127\\.0\\.0\\.1:${port} answers but not as a MongoDB \\(.+\\); leaving it alone$`));
	t.regex(lines[1]!, /^no MongoDB answered; starting FerretDB for the sample/);
});

test('kept sample data FerretDB cannot open is moved aside, never deleted, and the sample starts on fresh data', async t => {
	const {options: found, lines, root} = await options(t);
	await mkdir(found.dataDir);
	const garbage = randomBytes(64 * 1024);
	await writeFile(path.join(found.dataDir, 'shop.sqlite'), garbage);

	const {uri, server} = await findMongo(found);
	t.teardown(async () => server?.stop());
	await pingMongo(uri);
	const aside = (await readdir(root)).filter(name => name.startsWith('sample-data.unreadable-'));
	t.is(aside.length, 1);
	t.deepEqual(await readFile(path.join(root, aside[0]!, 'shop.sqlite')), garbage);
	t.true(
		lines.some(line => line.startsWith('FerretDB could not open the sample data kept in ') && line.includes(`moved it to `)),
		lines.join('\n'),
	);
});

test('the sample is seeded only into empty databases: a seeded one is kept, one holding anything else is left alone', async t => {
	const client = new MongoClient(testMongoUri());
	const suffix = randomBytes(4).toString('hex');
	const [empty, seeded, foreign] = ['empty', 'seeded', 'foreign'].map(name => `t_${suffix}_${name}`) as [string, string, string];
	t.teardown(async () => {
		for (const name of [empty, seeded, foreign])
			await client
				.db(name)
				.dropDatabase()
				.catch(() => {});
		await client.close();
	});
	await client
		.db(seeded)
		.collection('dogs')
		.insertOne({_id: 1, name: 'rex'} as never);
	await client
		.db(foreign)
		.collection('orders')
		.insertOne({_id: 1, total: 42} as never);

	t.deepEqual(await seedSample(testMongoUri(), [empty, seeded, foreign]), {seeded: [empty], foreign: [foreign]});
	t.deepEqual((await client.db(empty).listCollections({}, {nameOnly: true}).toArray()).map(entry => entry.name).sort(), [
		'accounts',
		'campaigns',
		'dog_houses',
		'dogs',
	]);
	t.deepEqual(await client.db(seeded).collection('dogs').find().toArray(), [{_id: 1, name: 'rex'}] as never);
	t.deepEqual(
		(await client.db(foreign).listCollections({}, {nameOnly: true}).toArray()).map(entry => entry.name),
		['orders'],
	);
	t.deepEqual(await client.db(foreign).collection('orders').find().toArray(), [{_id: 1, total: 42}] as never);
});
