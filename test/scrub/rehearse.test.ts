import test from 'ava';
import {migrationSource} from '../helpers/project.js';
import {allStrings, key, scrubProject} from './helpers.js';

const touchAccounts = migrationSource(
	'TouchAccounts',
	"\t\tawait this.database.collection('accounts').updateMany({plan: 'gold'}, {$set: {tier: 1}});",
);

test('a rehearsal of personal data copies it faithfully and drops it; a kept copy needs --scrub or --no-scrub, and --scrub keeps none of it', async t => {
	const {project, originals} = await scrubProject(t, {rehearsal: {environment: 'development'}});
	await project.writeMigration('20260101000000_touch_accounts.ts', touchAccounts);

	const faithful = await project.monarch(['rehearse', 'production', '--json']);
	t.is(faithful.code, 0, faithful.stderr);
	const report = JSON.parse(faithful.stdout) as {
		collections: Array<{name: string; changed: number}>;
		scratch: {kept: boolean};
		scrubbed: boolean;
	};
	t.is(report.collections.find(entry => entry.name === 'accounts')?.changed, 150);
	t.false(report.scratch.kept);
	t.false(report.scrubbed, 'the report says the copy was faithful');

	const refused = await project.monarch(['rehearse', 'production', '--keep']);
	t.is(refused.code, 2);
	t.regex(
		refused.stderr,
		/rehearse production --keep: production holds personal data \(personalData: true\) and development is not protected; say --scrub or --no-scrub/,
	);
	const databases = async () =>
		(await project.client.db().admin().listDatabases()).databases.map(entry => entry.name).filter(name => name.includes('_rehearsal_'));
	t.deepEqual(
		(await databases()).filter(name => name.startsWith(project.databases.production!)),
		[],
	);

	const kept = await project.monarch(['rehearse', 'production', '--keep', '--scrub', '--json'], {env: key});
	t.is(kept.code, 0, kept.stderr);
	const keptReport = JSON.parse(kept.stdout) as {
		scratch: {database: string; kept: boolean};
		collections: Array<{name: string; changed: number}>;
		scrubbed: boolean;
	};
	t.true(keptReport.scratch.kept);
	t.true(keptReport.scrubbed, 'the report says the copy was scrubbed');
	t.is(keptReport.collections.find(entry => entry.name === 'accounts')?.changed, 150, 'the migration did the same on the scrubbed copy');
	t.teardown(async () =>
		project.client
			.db(keptReport.scratch.database)
			.dropDatabase()
			.catch(() => {}),
	);
	const strings = await allStrings(project, keptReport.scratch.database);
	for (const original of [...originals.emails, ...originals.names]) t.false(strings.has(original), original);
	t.is(await project.client.db(keptReport.scratch.database).collection('accounts').countDocuments(), 300);
});

test('rehearsal.scrub: true sends every rehearsal through the gate: an unclassified field refuses it, and the scratch database is dropped', async t => {
	const {project} = await scrubProject(t, {rehearsal: {environment: 'development', scrub: true}});
	await project.writeMigration('20260101000000_touch_accounts.ts', touchAccounts);
	await project
		.db('production')
		.collection('accounts')
		.updateMany({}, {$set: {iban: 'FR7630006000011234567890189'}});

	const refused = await project.monarch(['rehearse', 'production'], {env: key});
	t.is(refused.code, 1, refused.stderr);
	t.regex(refused.stderr, /^Error: .*not classified in monarch\.json: accounts\.iban \(string, 300 documents\); nothing was written/m);
	const scratches = (await project.client.db().admin().listDatabases()).databases
		.map(entry => entry.name)
		.filter(name => name.startsWith(`${project.databases.production!}_rehearsal_`));
	t.deepEqual(scratches, [], 'no scratch database is left');

	const faithful = await project.monarch(['rehearse', 'production', '--no-scrub', '--json'], {env: key});
	t.is(faithful.code, 0, faithful.stderr);
	t.is(
		(JSON.parse(faithful.stdout) as {collections: Array<{name: string; changed: number}>}).collections.find(
			entry => entry.name === 'accounts',
		)?.changed,
		150,
		'--no-scrub rehearses on the data as it is',
	);
});
