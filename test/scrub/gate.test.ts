import test from 'ava';
import {type Loose, snapshot, stagingCollections} from '../helpers/backup-data.js';
import {createProject, migrationSource, testMongoUri} from '../helpers/project.js';
import {allStrings, key, rules, scrubProject} from './helpers.js';

/** The leak case: rules for accounts.email and accounts.name only, and a production that holds much more. */
async function leakyProject(t: Parameters<typeof createProject>[0]) {
	const suffix = Math.random().toString(16).slice(2, 10);
	const project = await createProject(t, {
		environments: {production: {uri: testMongoUri(), database: `t_${suffix}_prod`, personalData: true}},
		config: {scrub: {accounts: {_id: 'keep', email: 'fake.email', name: 'fake.fullName'}}, backups: {local: {dir: 'backups'}}},
		now: '2026-03-01T09:30:00Z',
	});
	const production = project.db('production');
	await production.collection<Loose>('accounts').insertMany(
		Array.from({length: 20}, (_, index) => ({
			_id: index,
			email: `jane${index}@shop.example`,
			name: `Jane Doe${index}`,
			ssn: `123-45-${String(6789 + index).padStart(4, '0')}`,
			notes: 'call Jane at +1 555 0100',
			address: {street: `${index} Main Street`},
		})),
	);
	await production
		.collection<Loose>('payments')
		.insertMany(Array.from({length: 12}, (_, index) => ({_id: index, card: '4111 1111 1111 1111', holder: `Jane Doe${index}`})));
	await project.db('development').collection<Loose>('mine').insertOne({_id: 1, keep: 'me'});
	return project;
}

test('a scrubbed copy of a personal-data source refuses every unclassified path and collection in one line: target unchanged, no staging, exit 1', async t => {
	const project = await leakyProject(t);
	const before = await snapshot(project.db('development'));
	const refused = await project.monarch(['copy_db', 'production:development', '--scrub', '--yes'], {env: key});
	t.is(refused.code, 1, refused.stderr);
	const errors = refused.stderr.split('\n').filter(line => line.startsWith('Error: '));
	t.is(errors.length, 1, refused.stderr);
	t.regex(
		refused.stderr,
		/! copy production to development: unclassified data found \(payments \(collection not classified\)\): nothing more is written; reading on to list every unclassified path/,
	);
	t.regex(
		errors[0]!,
		/^Error: copy production to development: not classified in monarch\.json: payments \(collection not classified\), accounts\.address\.street \(string, 20 documents\), accounts\.notes \(string, 20 documents\), accounts\.ssn \(string, 20 documents\); nothing was written \(run `monarch scrub_suggest production --write`, review the diff and run again; --no-scrub copies the data as it is\)$/,
	);
	t.deepEqual(await snapshot(project.db('development')), before, 'the target is unchanged');
	t.deepEqual(await stagingCollections(project.db('development')), [], 'the staging collections were dropped');
	const strings = await allStrings(project, 'development');
	t.false(
		[...strings].some(text => /Jane|123-45|555 0100|Main Street|4111/.test(text)),
		'no personal value reached the target',
	);

	const backup = await project.monarch(['backup', 'production', '--scrub'], {env: key});
	t.is(backup.code, 1, backup.stderr);
	t.regex(
		backup.stderr,
		/^Error: backup production: not classified in monarch\.json: payments \(collection not classified\), accounts\.address\.street/m,
	);
	const listed = await project.monarch(['list_backups', '--json']);
	t.deepEqual(JSON.parse(listed.stdout).backups, [], 'no backup was stored');

	const faithful = await project.monarch(['copy_db', 'production:development', '--no-scrub', '--yes']);
	t.is(faithful.code, 0, faithful.stderr);
	t.is(
		(
			await project
				.db('development')
				.collection<Loose>('accounts')
				.findOne({_id: 0} as Record<string, unknown>)
		)?.ssn,
		'123-45-6789',
		'--no-scrub still copies faithfully',
	);
});

test('a field that a migration adds stops the next scrubbed copy, naming it; the target is unchanged', async t => {
	const {project} = await scrubProject(t);
	const first = await project.monarch(['copy_db', 'production:development', '--scrub', '--yes'], {env: key});
	t.is(first.code, 0, first.stderr);
	t.regex(first.stdout, /Every field path of every document was classified\./);
	const before = await snapshot(project.db('development'));

	await project.writeMigration(
		'20260301090000_add_birthdays.ts',
		migrationSource(
			'AddBirthdays',
			`\t\tawait this.database.collection('accounts').updateMany({_id: {$lt: 7}}, {$set: {birthday: '1990-04-01'}});`,
		),
	);
	const migrated = await project.monarch(['migrate', 'production', '--yes']);
	t.is(migrated.code, 0, migrated.stderr);

	const refused = await project.monarch(['copy_db', 'production:development', '--scrub', '--yes'], {env: key});
	t.is(refused.code, 1, refused.stderr);
	t.regex(refused.stderr, /not classified in monarch\.json: accounts\.birthday \(string, 7 documents\); nothing was written/);
	t.deepEqual(await snapshot(project.db('development')), before);
	t.deepEqual(await stagingCollections(project.db('development')), []);
});

test('drop, empty, keep and * classify whole collections and keys that are data', async t => {
	const {project} = await scrubProject(t, {
		scrub: {
			...rules,
			users: {
				_id: 'keep',
				'logins[].ip': 'fake.ipv4',
				'logins[].ok': 'keep',
				'card.*': 'keep',
				'prefs.*': 'keep',
				'contacts.*.email': 'fake.email',
				'contacts.*.since': 'keep',
			},
			sessions: 'drop',
			audit_log: 'empty',
		},
	});
	const production = project.db('production');
	await production.collection<Loose>('users').updateMany(
		{},
		{
			$set: {
				prefs: {theme: 'dark', lang: 'fr'},
				contacts: {work: {email: 'boss@corp.example', since: 2019}, home: {email: 'me@home.example', since: 2001}},
			},
		},
	);
	await production.collection<Loose>('sessions').insertMany([{_id: 's1', token: 'abc'}]);
	await production.collection<Loose>('audit_log').insertMany([{_id: 1, who: 'customer0@shop.example'}]);
	await production.collection<Loose>('audit_log').createIndex({who: 1}, {name: 'who_1'});
	await project.db('development').collection<Loose>('sessions').insertOne({_id: 'old', token: 'stale'});

	const copied = await project.monarch(['copy_db', 'production:development', '--scrub', '--yes'], {env: key});
	t.is(copied.code, 0, copied.stderr);
	t.regex(copied.stdout, /Left out \(drop\): sessions\. Created empty: audit_log\./);
	const development = project.db('development');
	const names = (await development.listCollections({}, {nameOnly: true}).toArray()).map(entry => entry.name).sort();
	t.false(names.includes('sessions'), 'a dropped collection is not copied (and the target ends as the classification says)');
	t.is(await development.collection('audit_log').countDocuments(), 0);
	t.true(
		(await development.collection('audit_log').listIndexes().toArray()).some(index => index.name === 'who_1'),
		'an empty collection keeps its indexes',
	);
	const user = await development.collection<Loose>('users').findOne({_id: 3} as Record<string, unknown>);
	t.deepEqual(user?.prefs, {theme: 'dark', lang: 'fr'}, 'prefs.* kept');
	t.is(user?.card.last4, '4003', 'card.* kept');
	t.regex(user?.contacts.work.email, /@/);
	t.not(user?.contacts.work.email, 'boss@corp.example', 'contacts.*.email scrubbed under every key');
	t.not(user?.contacts.home.email, 'me@home.example');
	t.is(user?.contacts.home.since, 2001);
});

test('a bad classification is one line naming the entry, before anything is read', async t => {
	for (const [scrub, message] of [
		[
			{accounts: 'keepit'},
			/monarch\.json: scrub\.accounts: "keepit" is not a classification of a whole collection; write "keep", "drop", "empty"/,
		],
		[{accounts: {'prefs.*x': 'keep'}}, /monarch\.json: scrub\.accounts\.prefs\.\*x: "prefs\.\*x": \* stands alone for any one key/],
		[{accounts: {email: 'fake.emial'}}, /monarch\.json: scrub\.accounts\.email: unknown fake "fake\.emial"/],
		[{audit: 'yes'}, /monarch\.json: scrub\.audit: true \(audit every scrubbed copy\) or false/],
	] as const) {
		const {project} = await scrubProject(t, {scrub});
		const result = await project.monarch(['copy_db', 'production:development', '--scrub', '--yes'], {env: key});
		t.is(result.code, 2, result.stderr);
		t.is(result.stderr.trim().split('\n').length, 1, result.stderr);
		t.regex(result.stderr, message);
	}
});
