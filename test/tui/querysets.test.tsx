/** @jsxRuntime automatic */
/** @jsxImportSource react */
import {existsSync} from 'node:fs';
import {copyFile, readdir, readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import test, {type ExecutionContext} from 'ava';
import type {Loose} from '../helpers/backup-data.js';
import {createProject, type Project, testMongoUri} from '../helpers/project.js';
import {openApp} from './helpers/app.js';
import {keys, press, type, waitForText} from './helpers/ink.js';

process.env.MONARCH_CONNECT_TIMEOUT_MS = '2000';

const sampleFolder = fileURLToPath(new URL('../../querysets/', import.meta.url));

/** A QuerySet that thinks until it is cancelled (it waits for this.signal to abort), so a test can cancel it mid-job. */
const slowQuerySet = `import {QuerySet} from 'monarch';

export default class SlowQuerySet extends QuerySet {
	async run() {
		await this.dumpCollection('accounts', {});
		this.log('still thinking 0');
		await new Promise(resolve => {
			if (this.signal.aborted) resolve(undefined);
			else this.signal.addEventListener('abort', () => resolve(undefined), {once: true});
		});
	}
}
`;

/** The shop sample: accounts and campaigns in development, AccountQuerySet and a slow QuerySet, a staging environment with data of its own. */
async function shopProject(t: ExecutionContext) {
	const project = await createProject(t, {
		environments: {staging: {uri: testMongoUri(), database: `t_${Math.random().toString(16).slice(2, 10)}_stg`}},
		config: {backups: {local: {dir: 'backups'}}},
	});
	await copyFile(path.join(sampleFolder, 'account.ts'), path.join(project.dir, 'querysets', 'account.ts'));
	await writeFile(path.join(project.dir, 'querysets', 'slow.ts'), slowQuerySet);
	const db = project.db();
	await db.collection<Loose>('accounts').insertMany([
		{_id: 41, name: 'other'},
		{_id: 42, name: 'acme'},
	]);
	await db.collection<Loose>('campaigns').insertMany([
		{_id: 1, account_id: 42, status: 'running'},
		{_id: 2, account_id: 41, status: 'draft'},
		{_id: 3, account_id: 42, status: 'draft'},
	]);
	await project.db('staging').collection<Loose>('accounts').insertOne({_id: 7, name: 'old'});
	return project;
}

async function stagingAccounts(project: Project): Promise<unknown[]> {
	return project.db('staging').collection<Loose>('accounts').find().sort({_id: 1}).toArray();
}

async function openQuerySets(t: ExecutionContext, project: Project) {
	const app = await openApp(t, project);
	await press(app, '4');
	const frame = await waitForText(app.lastFrame, '2 QuerySets in querysets/');
	return {app, frame};
}

test.serial("querysets panel: the list; AccountQuerySet's form is answered in the TUI and the backup holds only that account", async t => {
	const project = await shopProject(t);
	const {app, frame: list} = await openQuerySets(t, project);
	t.regex(list, /› AccountQuerySet\s+accountId\s+querysets\/account\.ts/);
	t.regex(list, /SlowQuerySet\s+-\s+querysets\/slow\.ts/);
	t.regex(list, /enter run/);

	await press(app, keys.enter);
	await waitForText(app.lastFrame, 'Run AccountQuerySet into…');
	await press(app, keys.enter);
	await waitForText(app.lastFrame, 'Back up what AccountQuerySet picks from which environment?');
	await press(app, keys.enter);
	await waitForText(app.lastFrame, 'Please enter an account id');
	await type(app, '4.5');
	await press(app, keys.enter);
	await waitForText(app.lastFrame, 'enter a whole number');
	t.false(existsSync(path.join(project.dir, 'backups')));
	for (let index = 0; index < 3; index++) await press(app, keys.backspace);
	await type(app, '42');
	await press(app, keys.enter);
	const frame = await waitForText(
		app.lastFrame,
		/Backed up development \(AccountQuerySet\): 2 collections, 3 documents, [\d.]+ \w*B in t_\w+_dev__/,
	);
	t.regex(frame, /QuerySet AccountQuerySet done/);
	// The answer given in the form is in the CLI line.
	t.regex(frame, /\$ monarch backup development -q AccountQuerySet --param accountId=42\n/);

	const manifests = (await readdir(path.join(project.dir, 'backups'))).filter(name => name.endsWith('.manifest.json'));
	t.is(manifests.length, 1);
	const manifest = JSON.parse(await readFile(path.join(project.dir, 'backups', manifests[0]!), 'utf8')) as {
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

	// The backup is in the Backups panel, with its QuerySet.
	await press(app, keys.escape);
	await waitForText(app.lastFrame, '2 QuerySets in querysets/');
	await press(app, '3');
	await waitForText(app.lastFrame, /› t_\w+_dev__\d{4}_\d\d_\d\d\s+.*development\s+.*AccountQue…\s+complete/);
	await waitForText(app.lastFrame, 'QuerySet AccountQuerySet (accountId=42)');
});

test.serial('querysets panel: a copy into another environment; esc on its form cancels the whole job and writes nothing', async t => {
	const project = await shopProject(t);
	const {app} = await openQuerySets(t, project);
	await press(app, keys.enter);
	await waitForText(app.lastFrame, 'Run AccountQuerySet into…');
	await press(app, keys.down);
	await waitForText(app.lastFrame, '❯ copy what it picks');
	await press(app, keys.enter);
	await waitForText(app.lastFrame, 'Copy what AccountQuerySet picks from which environment?');
	await press(app, keys.enter);
	await waitForText(app.lastFrame, /from development into which environment\?[\s\S]*❯ staging/);
	await press(app, keys.enter);
	await waitForText(app.lastFrame, 'Please enter an account id');
	await type(app, '42');
	await press(app, keys.escape);
	await waitForText(app.lastFrame, /QuerySet AccountQuerySet stopped[\s\S]*Cancelled: Please enter an account id; nothing was changed/);
	t.deepEqual(await stagingAccounts(project), [{_id: 7, name: 'old'}]);
	t.false(existsSync(path.join(project.dir, 'backups')));

	await press(app, keys.escape);
	await waitForText(app.lastFrame, '› AccountQuerySet');
	await press(app, keys.enter);
	await waitForText(app.lastFrame, 'Run AccountQuerySet into…');
	await press(app, keys.down);
	await waitForText(app.lastFrame, '❯ copy what it picks');
	await press(app, keys.enter);
	await waitForText(app.lastFrame, 'from which environment?');
	await press(app, keys.enter);
	await waitForText(app.lastFrame, 'into which environment?');
	await press(app, keys.enter);
	await waitForText(app.lastFrame, 'Please enter an account id');
	await type(app, '42');
	await press(app, keys.enter);
	await waitForText(app.lastFrame, 'replacing its data?');
	t.deepEqual(await stagingAccounts(project), [{_id: 7, name: 'old'}]);
	await press(app, 'y');
	const frame = await waitForText(app.lastFrame, /loaded {6}2 collections, 3 documents/);
	t.regex(frame, /Copied development \(AccountQuerySet\) into staging/);
	t.regex(frame, /QuerySet AccountQuerySet \{"accountId":42\}/);
	t.regex(frame, /accounts {3}1/);
	t.regex(frame, /campaigns {2}2/);
	t.deepEqual(await stagingAccounts(project), [{_id: 42, name: 'acme'}]);
	t.is(await project.db('staging').collection('campaigns').countDocuments(), 2);
	await press(app, keys.escape);
	const finished = await waitForText(app.lastFrame, 'QuerySet AccountQuerySet done');
	t.regex(finished, /\$ monarch copy_db development:staging -q AccountQuerySet --param accountId=42 --yes\n/);
});

test.serial('a running QuerySet job: c cancels it (asks first) and nothing is written', async t => {
	const project = await shopProject(t);
	const {app} = await openQuerySets(t, project);
	await press(app, keys.down);
	await waitForText(app.lastFrame, '› SlowQuerySet');
	await press(app, keys.enter);
	await waitForText(app.lastFrame, 'Run SlowQuerySet into…');
	await press(app, keys.down);
	await waitForText(app.lastFrame, '❯ copy what it picks');
	await press(app, keys.enter);
	await waitForText(app.lastFrame, 'from which environment?');
	await press(app, keys.enter);
	await waitForText(app.lastFrame, 'into which environment?');
	await press(app, keys.enter);
	await waitForText(app.lastFrame, /SlowQuerySet │ still thinking 0/);
	await press(app, 'c');
	await waitForText(app.lastFrame, 'Cancel the running job?');
	await press(app, 'y');
	const frame = await waitForText(app.lastFrame, 'QuerySet SlowQuerySet stopped');
	t.regex(frame, /Cancelling: the current step finishes first/);
	t.deepEqual(await stagingAccounts(project), [{_id: 7, name: 'old'}]);
	const collections = (await project.db('staging').listCollections().toArray())
		.map(collection => collection.name)
		.filter(name => !name.startsWith('monarch_'));
	t.deepEqual(collections, ['accounts']);
	t.false(existsSync(path.join(project.dir, 'backups')));
});
