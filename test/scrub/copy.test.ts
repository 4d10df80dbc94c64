import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {BSON, type Document} from 'bson';
import {type Loose, snapshot} from '../helpers/backup-data.js';
import {testMongoUri} from '../helpers/project.js';
import {allStrings, key, rules, scrubProject} from './helpers.js';

test('copy_db --scrub leaves no original email, name, phone, street or ip in the target, keeps joins and the unique index, and is byte-identical run after run', async t => {
	const {project, originals} = await scrubProject(t);
	const copied = await project.monarch(['copy_db', 'production:development', '--scrub', '--yes'], {env: key});
	t.is(copied.code, 0, copied.stderr);
	t.regex(
		copied.stdout,
		/Scrubbed with rules [0-9a-f]{16}: accounts \(1,?500 values in 300 documents\), campaigns \(240 values in 120 documents\), users \(150 values in 50 documents\)\./,
	);
	t.false(`${copied.stdout}${copied.stderr}`.includes(key.MONARCH_SCRUB_KEY));

	const strings = await allStrings(project, 'development');
	for (const original of [...originals.emails, ...originals.names, ...originals.phones, ...originals.streets, ...originals.ips]) {
		t.false(strings.has(original), `${original} is still in the copy`);
	}

	for (const text of strings) t.false(/Customer Number|shop\.example|Rue Réelle/.test(text), `${text} leaks an original value`);

	const development = project.db('development');
	const accounts = await development.collection<Loose>('accounts').find({}).sort({_id: 1}).toArray();
	const emails = new Map(accounts.map(account => [account._id as number, account.email as string]));
	t.is(new Set(emails.values()).size, 300, 'the unique emails are still unique');
	for (const campaign of await development.collection<Loose>('campaigns').find({}).toArray()) {
		const index = (Number(String(campaign._id).slice(1)) * 7) % 300;
		t.is(campaign.owner_email, emails.get(index), 'campaigns still join their accounts by email');
		t.false('notes' in campaign);
		t.is(typeof campaign.budget, 'number');
	}

	t.true(
		(await development.collection('accounts').listIndexes().toArray()).some(index => index.name === 'email_1' && index.unique === true),
	);
	const users = await development.collection<Loose>('users').find({}).sort({_id: 1}).toArray();
	t.is(users[3]?.card.last4, '**03');
	t.regex(users[3]?.logins[0].ip, /^\d+\.\d+\.\d+\.\d+$/);
	t.deepEqual(await development.collection<Loose>('products').find({}).toArray(), [{_id: 1, title: 'a product', price: 3}]);
	t.is(accounts[0]?.address.city, 'Paris', 'fields without a rule are untouched');

	const first = await snapshot(development);
	const again = await project.monarch(['copy_db', 'production:scratch', '--scrub', '--yes'], {env: key});
	t.is(again.code, 0, again.stderr);
	t.deepEqual(await snapshot(project.db('scratch')), first, 'the same key gives byte-identical copies');

	const otherKey = await project.monarch(['copy_db', 'production:scratch', '--scrub', '--yes'], {
		env: {MONARCH_SCRUB_KEY: 'another-key-another-key-another'},
	});
	t.is(otherKey.code, 0, otherKey.stderr);
	const other = await project
		.db('scratch')
		.collection<Loose>('accounts')
		.findOne({_id: 0} as Record<string, unknown>);
	t.not(other?.email, accounts[0]?.email);
});

test('copying a personalData environment into an unprotected one needs --scrub or --no-scrub, and refuses before writing anything', async t => {
	const {project} = await scrubProject(t);
	await project.db('development').collection<Loose>('mine').insertOne({_id: 1, keep: 'me'});
	const before = await snapshot(project.db('development'));

	const refused = await project.monarch(['copy_db', 'production:development', '--yes'], {env: key});
	t.is(refused.code, 2);
	t.is(refused.stderr.trim().split('\n').length, 1, refused.stderr);
	t.regex(
		refused.stderr,
		/copy_db production:development: production holds personal data \(personalData: true\) and development is not protected; say --scrub or --no-scrub/,
	);
	t.deepEqual(await snapshot(project.db('development')), before);

	const noKey = await project.monarch(['copy_db', 'production:development', '--scrub', '--yes'], {env: {MONARCH_SCRUB_KEY: ''}});
	t.is(noKey.code, 2);
	t.regex(noKey.stderr, /the scrub key is not set \(environment variable MONARCH_SCRUB_KEY\)/);
	t.deepEqual(await snapshot(project.db('development')), before);

	const faithful = await project.monarch(['copy_db', 'production:development', '--no-scrub', '--yes']);
	t.is(faithful.code, 0, faithful.stderr);
	t.regex(faithful.stdout, /Not scrubbed \(--no-scrub\): personal data of production was loaded as it is\./);
	t.is(
		(
			await project
				.db('development')
				.collection<Loose>('accounts')
				.findOne({_id: 0} as Record<string, unknown>)
		)?.email,
		'customer0@shop.example',
	);
});

test('a rule that would collide under a unique index, or a bad rule, is refused before anything is written', async t => {
	const {project} = await scrubProject(t, {scrub: {...rules, accounts: {email: 'mask:1,0'}}});
	const before = await snapshot(project.db('development'));
	const refused = await project.monarch(['copy_db', 'production:development', '--scrub', '--yes'], {env: key});
	t.is(refused.code, 2, refused.stderr);
	t.regex(
		refused.stderr,
		/scrub\.accounts\.email: mask under unique index email_1 would give many documents the same value; use hash or fake\.<kind>/,
	);
	t.deepEqual(await snapshot(project.db('development')), before);

	const config = {
		environments: {development: {uri: testMongoUri(), database: project.databases.development}},
		scrub: {accounts: {email: 'fake.emial'}},
	};
	await project.writeConfig(config);
	const bad = await project.monarch(['list_migrations', 'development']);
	t.is(bad.code, 2);
	t.regex(bad.stderr, /monarch\.json: scrub\.accounts\.email: unknown fake "fake\.emial"/);
});

test('a scrubbed document keeps the BSON types and order of its other fields', async t => {
	const {project} = await scrubProject(t);
	const copied = await project.monarch(['copy_db', 'production:development', '--scrub', '--yes'], {env: key});
	t.is(copied.code, 0, copied.stderr);
	const [raw] = (await project
		.db('development')
		.collection('accounts')
		.find({_id: 5} as Record<string, unknown>, {raw: true})
		.toArray()) as unknown as Buffer[];
	const document = BSON.deserialize(raw!, {promoteValues: false}) as Document;
	t.deepEqual(Object.keys(document), ['_id', 'email', 'name', 'phone', 'address', 'tax_id', 'plan']);
	t.is(document._id._bsontype, 'Int32');
	t.deepEqual(Object.keys(document.address as Document), ['street', 'city']);
});

test("a QuerySet's scrub(collection, document) runs after the rules on what it takes, and its failure changes nothing", async t => {
	const {project} = await scrubProject(t);
	const querySet = (body: string) => `import {QuerySet} from 'monarch';

export default class OneAccountQuerySet extends QuerySet {
	async run() {
		const id = await this.prompt.number({message: 'Account id', key: 'accountId', integer: true});
		await this.dumpCollection('accounts', {_id: id});
		await this.dumpCollection('products');
	}

	scrub(collection: string, document: Record<string, unknown>) {
${body}
	}
}
`;
	await writeFile(
		path.join(project.dir, 'querysets', 'one-account.ts'),
		querySet(`		if (collection === 'accounts') document.plan = 'scrubbed-by-queryset:' + String(document.email).includes('shop.example');
		if (collection === 'products') return {...document, title: 'renamed'};`),
	);
	const copied = await project.monarch(
		['copy_db', 'production:development', '-q', 'OneAccountQuerySet', '--param', 'accountId=7', '--scrub', '--yes'],
		{env: key},
	);
	t.is(copied.code, 0, copied.stderr);
	const development = project.db('development');
	const [account] = await development.collection<Loose>('accounts').find({}).toArray();
	t.is(Number(account?._id), 7);
	t.is(account?.plan, 'scrubbed-by-queryset:false', 'it saw the email after the rules replaced it');
	t.deepEqual(await development.collection<Loose>('products').find({}).toArray(), [{_id: 1, title: 'renamed', price: 3}]);

	const before = await snapshot(development);
	await writeFile(
		path.join(project.dir, 'querysets', 'one-account.ts'),
		querySet(`		if (collection === 'accounts') throw new Error('no scrubbing today');`),
	);
	const failed = await project.monarch(
		['copy_db', 'production:development', '-q', 'OneAccountQuerySet', '--param', 'accountId=8', '--scrub', '--yes'],
		{env: key},
	);
	t.not(failed.code, 0, failed.stdout + failed.stderr);
	t.regex(failed.stderr, /OneAccountQuerySet \(querysets\/one-account\.ts\): scrub\('accounts', document 8\) failed: no scrubbing today/);
	t.deepEqual(await snapshot(development), before);
});
