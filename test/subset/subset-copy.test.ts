import {hostname} from 'node:os';
import test from 'ava';
import type {Db, Document} from 'mongodb';
import {inSample} from '../../source/core/subset/closure.js';
import {snapshot} from '../helpers/backup-data.js';
import {deadPid} from '../helpers/dead-pid.js';
import {startOwnServer} from '../helpers/own-server.js';
import {createProject, migrationSource, type Project, testMongoUri} from '../helpers/project.js';
import {declaredReferences, oid, referenceGraphData, seedReferenceGraph} from '../helpers/reference-graph.js';

/*
 * --subset against the reference-graph dataset (test/helpers/reference-graph.ts):
 * accounts <- campaigns <- events, accounts <-> users (a cycle), orders ->
 * accounts, products (by sku, in items[]), coupons (an array), boxes;
 * products -> categories; dangling: events 195..199's campaigns, account
 * 20's owner, order 50's second sku.
 */

async function graphProject(t: Parameters<typeof createProject>[0], config: Record<string, unknown> = {}): Promise<Project> {
	const suffix = Math.random().toString(16).slice(2, 10);
	const project = await createProject(t, {
		environments: {staging: {uri: testMongoUri(), database: `t_${suffix}_staging`}},
		config: {references: declaredReferences, backups: {local: {dir: 'backups'}}, ...config},
	});
	await seedReferenceGraph(project.db('development'));
	return project;
}

/** `_id`s of a collection, as sorted strings. */
async function ids(db: Db, collection: string): Promise<string[]> {
	const documents = await db
		.collection(collection)
		.find({}, {projection: {_id: 1}})
		.toArray();
	return documents.map(document => String(document._id)).sort();
}

const data = referenceGraphData();
const idsOf = (documents: Document[]) => documents.map(document => String(document._id)).sort();
const all = (collection: string) => idsOf(data[collection]!);

/** Every reference of the target points at a document it holds, but those already dangling in the source. */
async function danglingIn(db: Db): Promise<Record<string, number>> {
	const found: Record<string, number> = {};
	for (const [key, value] of Object.entries(declaredReferences)) {
		const [from, ...path] = key.split('.');
		const [to, field] = value.split('.');
		const steps = path.map(step => step.replace('[]', ''));
		const targets = new Set((await db.collection(to!).find().toArray()).map(document => String(document[field!])));
		const values = (await db.collection(from!).find().toArray()).flatMap(document => valuesAt(document, steps));
		const missing = new Set(values.filter(value => !targets.has(value)));
		if (missing.size > 0) found[key] = missing.size;
	}

	return found;
}

function valuesAt(value: unknown, steps: string[]): string[] {
	if (value === undefined || value === null) return [];
	if (Array.isArray(value)) return value.flatMap(element => valuesAt(element, steps));
	if (steps.length === 0) return [String(value)];
	return valuesAt((value as Record<string, unknown>)[steps[0]!], steps.slice(1));
}

const proAccounts = [1, 4, 7, 10, 13, 16, 19];
const proIndex = (n: number) => proAccounts.includes((n % 20) + 1);

test('a filter root, down: the accounts, what references them to a fixed point, the rest whole; dangling references counted', async t => {
	const project = await graphProject(t);
	const copied = await project.monarch(['copy_db', 'development:staging', '--yes', '--subset', 'accounts:{"plan":"pro"}']);
	t.is(copied.code, 0, copied.stderr);
	const target = project.db('staging');
	t.deepEqual(await ids(target, 'accounts'), proAccounts.map(String).sort());
	t.deepEqual(await ids(target, 'users'), idsOf(data.users!.filter((_, index) => proIndex(index))));
	t.deepEqual(await ids(target, 'campaigns'), idsOf(data.campaigns!.filter((_, index) => proIndex(index))));
	t.deepEqual(await ids(target, 'events'), idsOf(data.events!.filter((_, index) => proIndex(index))));
	t.is((await ids(target, 'events')).length, 70);
	t.deepEqual(await ids(target, 'orders'), idsOf(data.orders!.filter((_, index) => proIndex(index))));
	for (const whole of ['products', 'categories', 'boxes', 'coupons', 'statuses', 'notes', 'campaign_drafts'])
		t.deepEqual(await ids(target, whole), all(whole), whole);
	// The slice is consistent: what dangles in the target dangled in the source (event 195's and 198's campaign, order 50's sku).
	t.deepEqual(await danglingIn(target), {'events.campaign_id': 1, 'orders.items[].sku': 1});
	t.regex(copied.stderr + copied.stdout, /events\.campaign_id: 1 value points at nothing, already in the source/);
	t.regex(copied.stderr + copied.stdout, /^accounts\s+root\s+7\s/m);
	t.regex(copied.stderr + copied.stdout, /^events\s+down\s+70\s/m);
	t.regex(copied.stdout, /Copied a subset of development \(192 of 419 documents\)/);
});

test('--follow both also slices what kept documents reference, to a fixed point; --subset-only leaves out the unrelated collections', async t => {
	const project = await graphProject(t);
	const copied = await project.monarch([
		'copy_db',
		'development:staging',
		'--yes',
		'--subset',
		'accounts:{"_id":4}',
		'--follow',
		'both',
		'--subset-only',
	]);
	t.is(copied.code, 0, copied.stderr);
	const target = project.db('staging');
	const mine = (n: number) => (n % 20) + 1 === 4;
	const orders = data.orders!.filter((_, index) => mine(index));
	t.deepEqual(await ids(target, 'accounts'), ['4']);
	t.deepEqual(await ids(target, 'orders'), idsOf(orders));
	const skus = new Set(orders.flatMap(order => (order.items as Array<{sku: string}>).map(item => item.sku)));
	const products = data.products!.filter(product => skus.has(product.sku as string));
	t.deepEqual(await ids(target, 'products'), idsOf(products));
	t.deepEqual(await ids(target, 'categories'), [...new Set(products.map(product => String(product.category_id)))].sort());
	t.deepEqual(await ids(target, 'boxes'), [...new Set(orders.map(order => String(order.box_id)))].sort());
	t.deepEqual(await ids(target, 'coupons'), [...new Set(orders.flatMap(order => (order.coupon_ids as unknown[]).map(String)))].sort());
	t.deepEqual(await ids(target, 'users'), [String(oid('a1', 4))]);
	for (const left of ['statuses', 'notes', 'campaign_drafts']) t.deepEqual(await ids(target, left), [], left);
	t.deepEqual(await danglingIn(target), {});
});

test('a percentage is the same slice for the same seed, its closure exact, and another seed takes another', async t => {
	const project = await graphProject(t);
	const run = async (seed: string) => {
		const copied = await project.monarch(['copy_db', 'development:staging', '--yes', '--subset', 'accounts:30%', '--seed', seed]);
		t.is(copied.code, 0, copied.stderr);
		return snapshot(project.db('staging'));
	};

	const first = await run('s1');
	const kept = data.accounts!.filter(account => inSample('s1', `n${account._id as number}`, 30)).map(account => account._id as number);
	t.true(kept.length > 0 && kept.length < 20);
	t.deepEqual(await ids(project.db('staging'), 'accounts'), kept.map(String).sort());
	t.deepEqual(
		await ids(project.db('staging'), 'campaigns'),
		idsOf(data.campaigns!.filter(campaign => kept.includes(campaign.account_id as number))),
	);
	t.deepEqual(await run('s1'), first);
	t.notDeepEqual(await run('s2'), first);
});

test('joins hold after --scrub when both sides get the same strategy', async t => {
	const project = await graphProject(t, {
		scrub: {products: {sku: 'hash'}, orders: {'items[].sku': 'hash'}, users: {email: 'fake.email'}},
	});
	const copied = await project.monarch(
		['copy_db', 'development:staging', '--yes', '--scrub', '--subset', 'accounts:{"plan":"pro"}', '--follow', 'both'],
		{
			env: {MONARCH_SCRUB_KEY: 'k'.repeat(32)},
		},
	);
	t.is(copied.code, 0, copied.stderr);
	const target = project.db('staging');
	const skus = (await target.collection('products').find().toArray()).map(product => product.sku as string);
	t.false(skus.some(sku => sku.startsWith('SKU-')));
	t.deepEqual(await danglingIn(target), {'events.campaign_id': 1, 'orders.items[].sku': 1});
	t.true((await target.collection('orders').countDocuments()) > 0);
});

test('large sets and the kept documents spill to a marked database on the target server, dropped after, with the same slice', async t => {
	const project = await graphProject(t);
	const copied = await project.monarch(['copy_db', 'development:staging', '--yes', '--subset', 'accounts:{"plan":"pro"}', '--json'], {
		env: {MONARCH_SUBSET_MEMORY_KEYS: '10', MONARCH_SUBSET_MEMORY_BYTES: '0'},
	});
	t.is(copied.code, 0, copied.stderr);
	t.true((JSON.parse(copied.stdout) as {result: {subset: {spilledSets: number}}}).result.subset.spilledSets > 0);
	const target = project.db('staging');
	t.deepEqual(await ids(target, 'events'), idsOf(data.events!.filter((_, index) => proIndex(index))));
	t.deepEqual(await danglingIn(target), {'events.campaign_id': 1, 'orders.items[].sku': 1});
	const {databases} = await project.client.db('admin').admin().listDatabases({nameOnly: true});
	t.deepEqual(
		databases.map(database => database.name).filter(name => name.startsWith(project.databases.staging!) && name.includes('_subset_')),
		[],
	);
});

test("a killed run's spill database, marked with a dead owner, is dropped by the next command writing on that server", async t => {
	const uri = await startOwnServer(t);
	const project = await createProject(t, {uri, config: {references: declaredReferences}});
	const spill = `${project.databases.development}_subset_20260301_093000`;
	await project.client
		.db(spill)
		.collection('set_0')
		.insertOne({_id: 'n1' as never});
	await project.client
		.db(spill)
		.collection('monarch_locks')
		.insertOne({
			_id: 'rehearsal' as never,
			token: 'a',
			holder: {host: hostname(), user: 'me', pid: await deadPid()},
			acquiredAt: new Date(),
			expiresAt: new Date(Date.now() + 600_000),
		});
	const migrated = await project.monarch(['migrate', 'development']);
	t.is(migrated.code, 0, migrated.stderr);
	t.regex(migrated.stderr, new RegExp(`Dropped the scratch database ${spill}`));
	const {databases} = await project.client.db('admin').admin().listDatabases({nameOnly: true});
	t.false(databases.some(database => database.name === spill));
});

test('bad references and roots are one line naming the entry, and the target is left as it was', async t => {
	const cases: Array<[Record<string, string>, string[], RegExp]> = [
		[
			{...declaredReferences, 'widgets.account_id': 'accounts._id'},
			[],
			/^Error: monarch\.json: references\.widgets\.account_id: there is no collection widgets in development/m,
		],
		[
			{...declaredReferences, 'campaigns.acount_id': 'accounts._id'},
			[],
			/^Error: monarch\.json: references\.campaigns\.acount_id: no document of campaigns has acount_id/m,
		],
		[
			declaredReferences,
			['--subset', 'acounts:2%'],
			/^Error: --subset acounts:2%: development \(database t_\w+\) has no collection acounts/m,
		],
		[declaredReferences, ['--subset', 'accounts:{plan:pro}'], /^Error: --subset accounts:\{plan:pro\}: the filter is not Extended JSON/m],
		[declaredReferences, ['--subset', 'accounts:150%'], /^Error: --subset accounts:150%: a percentage is more than 0 and at most 100/m],
		[declaredReferences, ['--follow', 'both'], /^Error: --follow needs --subset/m],
	];
	for (const [references, flags, expected] of cases) {
		const project = await graphProject(t, {references});
		await project
			.db('staging')
			.collection('accounts')
			.insertOne({_id: 'before' as never});
		const before = await snapshot(project.db('staging'));
		const copied = await project.monarch([
			'copy_db',
			'development:staging',
			'--yes',
			...(flags.length > 0 ? flags : ['--subset', 'accounts:50%']),
		]);
		t.is(copied.code, 2, copied.stderr);
		t.regex(copied.stderr, expected);
		t.is(copied.stderr.trim().split('\n').length, 1, copied.stderr);
		t.deepEqual(await snapshot(project.db('staging')), before);
	}
});

test('--estimate prints documents, bytes and the share per collection, and copies nothing', async t => {
	const project = await graphProject(t);
	const estimated = await project.monarch([
		'copy_db',
		'development:staging',
		'--subset',
		'accounts:{"plan":"pro"}',
		'--estimate',
		'--json',
	]);
	t.is(estimated.code, 0, estimated.stderr);
	const {result} = JSON.parse(estimated.stdout) as {
		result: {documents: number; totalDocuments: number; collections: Array<{name: string; role: string; documents: number}>};
	};
	t.is(result.documents, 192);
	t.is(result.totalDocuments, 419);
	t.deepEqual(
		result.collections.filter(entry => entry.role !== 'whole').map(entry => [entry.name, entry.role, entry.documents]),
		[
			['accounts', 'root', 7],
			['campaigns', 'down', 21],
			['users', 'down', 7],
			['orders', 'down', 18],
			['events', 'down', 70],
		],
	);
	t.deepEqual(await project.db('staging').listCollections().toArray(), []);
});

test('backup --subset and a QuerySet declaring static subset take the same slice', async t => {
	const project = await graphProject(t);
	const backedUp = await project.monarch(['backup', 'development', '--subset', 'accounts:{"plan":"pro"}', '--json']);
	t.is(backedUp.code, 0, backedUp.stderr);
	const {result} = JSON.parse(backedUp.stdout) as {result: {manifest: {collections: Array<{name: string; count: number}>}}};
	const counts = Object.fromEntries(result.manifest.collections.map(entry => [entry.name, entry.count]));
	t.like(counts, {accounts: 7, users: 7, campaigns: 21, events: 70, orders: 18, products: 30});

	const {writeFile} = await import('node:fs/promises');
	await writeFile(
		`${project.dir}/querysets/pro-accounts.ts`,
		`import {QuerySet} from 'monarch';\nexport default class ProAccounts extends QuerySet {\n\tstatic subset = {roots: ['accounts:{"plan":"pro"}']};\n}\n`,
	);
	const copied = await project.monarch(['copy_db', 'development:staging', '--yes', '-q', 'ProAccounts']);
	t.is(copied.code, 0, copied.stderr);
	t.deepEqual(await ids(project.db('staging'), 'events'), idsOf(data.events!.filter((_, index) => proIndex(index))));
});

test('a subset backup records its slice: list_backups shows it as partial with its roots, and the restore confirmation says it is a slice', async t => {
	const project = await graphProject(t);
	const backedUp = await project.monarch(['backup', 'development', '--subset', 'accounts:{"plan":"pro"}', '--seed', 's1', '--json']);
	t.is(backedUp.code, 0, backedUp.stderr);
	const {result} = JSON.parse(backedUp.stdout) as {result: {archive: string; manifest: {collections: Array<{count: number}>}}};
	const kept = result.manifest.collections.reduce((sum, entry) => sum + entry.count, 0);
	const total = Object.values(data).reduce((sum, documents) => sum + documents.length, 0);
	const subset = {roots: ['accounts:{"plan":"pro"}'], follow: 'down', only: false, seed: 's1', documents: kept, totalDocuments: total};

	const listed = await project.monarch(['list_backups', '--json']);
	t.is(listed.code, 0, listed.stderr);
	const [entry] = (JSON.parse(listed.stdout) as {backups: Array<Record<string, unknown> & {manifest: Record<string, unknown>}>}).backups;
	t.like(entry, {archive: result.archive, partial: true, querySet: null, subset});
	t.deepEqual(entry!.manifest.subset, subset);
	const text = await project.monarch(['list_backups']);
	t.regex(text.stdout, /\bsubset accounts:\{"plan":"pro"\}\s+complete/);

	// Without a terminal the question is not asked: the warning and the unanswered question name the slice; staging is untouched.
	const restored = await project.monarch(['restore', `${result.archive}:staging`]);
	t.not(restored.code, 0);
	const part = `subset accounts:{"plan":"pro"}, ${kept} of ${total} documents (${((100 * kept) / total).toFixed(1)}%)`;
	t.true(
		restored.stderr.includes(`This backup is a slice of development (${part}): restoring it replaces all of staging's data with that part`),
		restored.stderr,
	);
	t.true(restored.stderr.includes(`UTC, ${part}) into staging`), restored.stderr);
	t.deepEqual(await project.db('staging').listCollections().toArray(), []);
});

test('rehearse --subset rehearses on the slice, its scratch database and spill database dropped', async t => {
	const project = await graphProject(t);
	await project.writeMigration(
		'20260101000000_flag_accounts.ts',
		migrationSource('FlagAccounts', "\t\tawait this.database.collection('accounts').updateMany({}, {$set: {flagged: true}});"),
	);
	const rehearsed = await project.monarch(['rehearse', 'development', '--subset', 'accounts:{"plan":"pro"}', '--json']);
	t.is(rehearsed.code, 0, rehearsed.stderr);
	const report = JSON.parse(rehearsed.stdout) as {copied: {documents: number; sourceDocuments: number}; querySet: unknown; subset: unknown};
	t.is(report.copied.documents, 192);
	t.is(report.copied.sourceDocuments, 419);
	t.is(report.querySet, null);
	t.deepEqual(
		report.subset,
		{roots: ['accounts:{"plan":"pro"}'], follow: 'down', only: false, seed: 'monarch'},
		'the report says it was a slice: the gate counts it as a part',
	);
	const listed = await project.monarch(['list_rehearsals', 'development', '--json']);
	t.is(listed.code, 0, listed.stderr);
	t.deepEqual(
		(JSON.parse(listed.stdout) as {rehearsals: Array<{report: {subset: unknown}}>}).rehearsals[0]?.report.subset,
		report.subset,
		'stored with it',
	);
	const {databases} = await project.client.db('admin').admin().listDatabases({nameOnly: true});
	t.false(
		databases.some(database => database.name.startsWith(project.databases.development!) && /_(rehearsal|subset)_/.test(database.name)),
	);
});
