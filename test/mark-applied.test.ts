import test from 'ava';
import {createProject, migrationSource, testMongoUri} from './helpers/project.js';

const counted = (name: string) =>
	migrationSource('Counted', `\t\tawait this.database.collection('runs').updateOne({_id: '${name}'}, {$inc: {count: 1}}, {upsert: true});`);
const migrations = {
	'20260101000001_first.ts': counted('first'),
	'20260101000002_second.ts': counted('second'),
	'20260101000003_third.ts': counted('third'),
};
type Entry = {_id: string; state: string; baseline?: boolean; checksum: string};

test('mark_applied records baseline entries that migrate then skips and list_migrations shows', async t => {
	const project = await createProject(t, {migrations});
	const marked = await project.monarch(['mark_applied', '20260101000001_first', '20260101000002_second', 'development']);
	t.is(marked.code, 0, marked.stderr);
	t.is(
		marked.stdout,
		'Marked 2 migrations as applied on development (baseline, not run):\n  20260101000001_first\n  20260101000002_second\n',
	);
	const history = project.db().collection<Entry>('monarch_migrations');
	const entries = await history.find().sort({_id: 1}).toArray();
	t.deepEqual(
		entries.map(entry => [entry._id, entry.state, entry.baseline, entry.checksum.length]),
		[
			['20260101000001_first', 'Completed', true, 64],
			['20260101000002_second', 'Completed', true, 64],
		],
	);
	t.is(await project.db().collection('runs').countDocuments(), 0, 'nothing ran');
	t.is(await project.db().collection('monarch_locks').countDocuments(), 0, 'the lock was released');

	const listed = await project.monarch(['list_migrations', 'development']);
	t.regex(listed.stdout, /Completed\s+20260101000001_first\s+.*baseline \(marked applied, not run\)/);
	t.regex(listed.stdout, /Completed\s+20260101000002_second\s+.*baseline \(marked applied, not run\)/);
	t.regex(listed.stdout, /New\s+20260101000003_third\s+-\s+-\s*$/m);
	const json = JSON.parse((await project.monarch(['list_migrations', 'development', '--json'])).stdout) as {
		migrations: Array<{key: string; baseline: boolean}>;
	};
	t.deepEqual(
		json.migrations.map(migration => [migration.key, migration.baseline]),
		[
			['20260101000001_first', true],
			['20260101000002_second', true],
			['20260101000003_third', false],
		],
	);

	const migrated = await project.monarch(['migrate', 'development']);
	t.is(migrated.code, 0, migrated.stderr);
	t.regex(migrated.stdout, /Ran 1 migration on development/);
	t.deepEqual(await project.db().collection('runs').find().toArray(), [{_id: 'third', count: 1}]);
	t.is((await history.findOne({_id: '20260101000003_third'}))?.baseline, undefined, 'a migration that ran is no baseline');

	const again = await project.monarch(['baseline', '20260101000003_third', 'development']);
	t.is(again.code, 0, again.stderr);
	t.is(again.stdout, 'Nothing to mark on development.\nAlready completed, left as they are: 20260101000003_third\n');
	t.is((await history.findOne({_id: '20260101000003_third'}))?.baseline, undefined, 'a completed entry is left as it is');

	const rerun = await project.monarch(['migrate_one', '20260101000001_first', 'development']);
	t.is(rerun.code, 0, rerun.stderr);
	t.is((await history.findOne({_id: '20260101000001_first'}))?.baseline, undefined, 'running a baseline migration clears the flag');
	t.deepEqual(await project.db().collection('runs').find().sort({_id: 1}).toArray(), [
		{_id: 'first', count: 1},
		{_id: 'third', count: 1},
	]);
});

test('mark_applied --all marks every pending migration, and migrate then runs none', async t => {
	const project = await createProject(t, {migrations});
	const marked = await project.monarch(['baseline', '--all', 'development']);
	t.is(marked.code, 0, marked.stderr);
	t.regex(marked.stdout, /^Marked 3 migrations as applied on development \(baseline, not run\):/);
	t.is(await project.db().collection('monarch_migrations').countDocuments({state: 'Completed', baseline: true}), 3);

	const migrated = await project.monarch(['migrate', 'development']);
	t.is(migrated.code, 0, migrated.stderr);
	t.regex(migrated.stdout, /Nothing to migrate on development/);
	t.is(await project.db().collection('runs').countDocuments(), 0);
});

test('mark_applied refuses an unknown key in one line and writes nothing; a protected environment must be confirmed', async t => {
	const suffix = Math.random().toString(16).slice(2, 10);
	const project = await createProject(t, {
		migrations,
		environments: {staging: {uri: testMongoUri(), database: `t_${suffix}_staging`, protected: true}},
	});
	const unknown = await project.monarch(['mark_applied', '20260101000001_first', '20260101000009_nope', 'development']);
	t.is(unknown.code, 2);
	t.regex(
		unknown.stderr,
		/^Error: No migration "20260101000009_nope" in .*migrations; nothing was marked \(see the keys with `monarch list_migrations development`\)\n$/,
	);
	t.is(await project.db().collection('monarch_migrations').countDocuments(), 0);

	const both = await project.monarch(['mark_applied', '20260101000001_first', 'development', '--all']);
	t.is(both.code, 2);
	t.regex(both.stderr, /Pass either migration keys or --all, not both/);

	const refused = await project.monarch(['mark_applied', '--all', 'staging']);
	t.is(refused.code, 2);
	t.regex(refused.stderr, /Mark 3 migrations as applied without running them on protected environment "staging"/);
	t.is(await project.db('staging').collection('monarch_migrations').countDocuments(), 0);
	t.is(await project.db('staging').collection('monarch_locks').countDocuments(), 0);

	const confirmed = await project.monarch(['mark_applied', '--all', 'staging', '--yes']);
	t.is(confirmed.code, 0, confirmed.stderr);
	t.is(await project.db('staging').collection('monarch_migrations').countDocuments({baseline: true}), 3);
});
