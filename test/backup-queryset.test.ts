import {copyFile, readdir, readFile} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {type Loose, snapshot} from './helpers/backup-data.js';
import {createProject, testMongoUri} from './helpers/project.js';

const sampleFolder = fileURLToPath(new URL('../querysets/', import.meta.url));
/** The day monarch dates these tests' backups with (MONARCH_NOW), whatever today is. */
const now = '2026-03-01T09:30:00.000Z';
const day = '2026_03_01';

async function shopProject(t: Parameters<typeof createProject>[0]) {
	const suffix = Math.random().toString(16).slice(2, 10);
	const project = await createProject(t, {
		now,
		environments: {staging: {uri: testMongoUri(), database: `t_${suffix}_staging`}},
		config: {backups: {local: {dir: 'backups'}}},
	});
	for (const name of ['account.ts', 'awesome_dogs.ts'])
		await copyFile(path.join(sampleFolder, name), path.join(project.dir, 'querysets', name));
	const db = project.db('development');
	await db.collection<Loose>('accounts').insertMany([
		{_id: 41, name: 'other'},
		{_id: 42, name: 'acme'},
	]);
	await db.collection<Loose>('campaigns').insertMany([
		{_id: 1, account_id: 42, status: 'running'},
		{_id: 2, account_id: 41, status: 'draft'},
		{_id: 3, account_id: 42, status: 'draft'},
	]);
	await db.collection<Loose>('campaigns').createIndex({account_id: 1});
	await db.collection<Loose>('dogs').insertMany([
		{_id: 1, name: 'rex', type: 'Awesome'},
		{_id: 2, name: 'fido', type: 'Lazy'},
		{_id: 3, name: 'max', type: 'Awesome'},
	]);
	await db.collection<Loose>('dog_houses').insertMany([
		{_id: 10, dog_id: 1, size: 'large'},
		{_id: 11, dog_id: 2, size: 'small'},
	]);
	return project;
}

test('a QuerySet backup (--param) holds only what it picks, records its answers, and restores as exactly that', async t => {
	const project = await shopProject(t);
	const backedUp = await project.monarch([
		'backup',
		'development',
		'--name',
		'acme',
		'--query-set',
		'AccountQuerySet',
		'--param',
		'accountId=42',
	]);
	t.is(backedUp.code, 0, backedUp.stderr);
	t.regex(backedUp.stdout, /2 collections, 3 documents/);
	t.regex(backedUp.stdout, /QuerySet AccountQuerySet \(accountId=42\)/);

	const archive = `acme__${day}.archive.gz`;
	const manifest = JSON.parse(await readFile(path.join(project.dir, 'backups', `${archive}.manifest.json`), 'utf8')) as {
		querySet: unknown;
		collections: Array<{name: string; count: number}>;
	};
	t.deepEqual(manifest.querySet, {name: 'AccountQuerySet', answers: {accountId: 42}});
	t.deepEqual(
		manifest.collections.map(entry => [entry.name, entry.count]),
		[
			['accounts', 1],
			['campaigns', 2],
		],
	);

	await project.db('staging').collection<Loose>('accounts').insertOne({_id: 7, name: 'old'});
	const restored = await project.monarch(['restore', `${archive}:staging`, '--yes']);
	t.is(restored.code, 0, restored.stderr);
	const target = project.db('staging');
	t.deepEqual(await target.collection<Loose>('accounts').find().toArray(), [{_id: 42, name: 'acme'}]);
	t.deepEqual(await target.collection<Loose>('campaigns').find().sort({_id: 1}).toArray(), [
		{_id: 1, account_id: 42, status: 'running'},
		{_id: 3, account_id: 42, status: 'draft'},
	]);
	t.deepEqual(Object.keys(await snapshot(target)), ['accounts', 'campaigns']);
	t.true(await target.collection<Loose>('campaigns').indexExists('account_id_1'));
});

test('a QuerySet backup without its --param fails before anything is written', async t => {
	const project = await shopProject(t);
	const result = await project.monarch(['backup', 'development', '-q', 'AccountQuerySet']);
	t.is(result.code, 2);
	t.regex(result.stderr, /--param accountId=/);
	t.deepEqual(await readdir(project.dir).then(names => names.filter(name => name === 'backups')), []);

	const copy = await project.monarch(['copy_db', 'development:staging', '-q', 'AccountQuerySet', '--yes']);
	t.is(copy.code, 2);
	t.regex(copy.stderr, /--param accountId=/);
	t.deepEqual(
		(await project.db('staging').listCollections().toArray()).map(entry => entry.name),
		[],
	);
});

test('copy_db with a QuerySet copies only what it picks', async t => {
	const project = await shopProject(t);
	await project.db('staging').collection<Loose>('dogs').insertOne({_id: 99, name: 'ghost'});
	const copied = await project.monarch(['copy_db', 'development:staging', '-q', 'AwesomeDogsQuerySet', '--yes']);
	t.is(copied.code, 0, copied.stderr);
	t.regex(copied.stdout, /Copied QuerySet AwesomeDogsQuerySet of development .*: 2 collections, 3 documents/);
	const target = project.db('staging');
	t.deepEqual(await target.collection<Loose>('dogs').find().sort({_id: 1}).toArray(), [
		{_id: 1, name: 'rex', type: 'Awesome'},
		{_id: 3, name: 'max', type: 'Awesome'},
	]);
	t.deepEqual(await target.collection<Loose>('dog_houses').find().toArray(), [{_id: 10, dog_id: 1, size: 'large'}]);

	const withParam = await project.monarch(['copy_db', 'development:staging', '-q', 'AccountQuerySet', '--param', 'accountId=41', '--yes']);
	t.is(withParam.code, 0, withParam.stderr);
	t.deepEqual(await target.collection<Loose>('campaigns').find().toArray(), [{_id: 2, account_id: 41, status: 'draft'}]);
	t.deepEqual(
		(await target.listCollections().toArray())
			.map(entry => entry.name)
			.filter(name => name !== 'monarch_locks')
			.sort(),
		['accounts', 'campaigns'],
	);
});
