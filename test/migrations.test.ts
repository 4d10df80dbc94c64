import {readdir, readFile, rm, writeFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import stringWidth from 'string-width';
import {createProject, migrationSource} from './helpers/project.js';

type Entry = {
	_id: string;
	state: string;
	name: string;
	checksum: string;
	error?: {message: string; stack?: string};
	durationMs?: number;
	ranBy: {pid: number};
	monarchVersion: string;
};

const insertDog = (name: string) =>
	migrationSource('Dog', `\t\tawait this.database.collection('dogs').insertOne({name: '${name}'});\n\t\tthis.log('inserted ${name}');`);

test('generate writes a timestamped TypeScript migration that list_migrations shows as New', async t => {
	const project = await createProject(t, {now: '2026-03-01T09:30:05Z'});
	const generated = await project.monarch(['generate', 'Add indexes to user table']);
	t.is(generated.code, 0, generated.stderr);
	const [file] = await readdir(path.join(project.dir, 'migrations'));
	t.is(file, '20260301093005_add_indexes_to_user_table.ts');
	const source = await readFile(path.join(project.dir, 'migrations', file!), 'utf8');
	t.regex(source, /export default class AddIndexesToUserTableMigration extends MongoBackedMigration \{\n\tasync run\(\) \{/);
	t.regex(source, /this\.database/);

	const listed = await project.monarch(['list_migrations', 'development', '--json']);
	const report = JSON.parse(listed.stdout) as {migrations: Array<{key: string; state: string}>; pending: number};
	t.deepEqual(
		report.migrations.map(migration => [migration.key, migration.state]),
		[[file!.replace('.ts', ''), 'New']],
	);
	t.is(report.pending, 1);
});

test('generate refuses names that are paths and names that would sort before the newest migration', async t => {
	const project = await createProject(t, {now: '2026-03-01T09:30:05Z', migrations: {'20260301093005_same_second.ts': insertDog('x')}});
	const path_ = await project.monarch(['generate', '../escape']);
	t.is(path_.code, 2);
	t.regex(path_.stderr, /generate <name>: "\.\.\/escape" is not a valid name/);
	const early = await project.monarch(['generate', 'late_comer']);
	t.is(early.code, 2);
	t.regex(early.stderr, /would not sort after the newest migration 20260301093005_same_second/);
	t.deepEqual(await readdir(path.join(project.dir, 'migrations')), ['20260301093005_same_second.ts']);
});

test('migrate runs .ts, .mts, .js and .mjs migrations in name order and records them Completed', async t => {
	// Each migration appends its name to one list, so the order is the order they ran in, however fast.
	const order = (name: string) =>
		`\t\tawait this.database.collection('order').updateOne({_id: 'ran'}, {$push: {names: '${name}'}}, {upsert: true});`;
	const project = await createProject(t, {
		migrations: {
			'20260101000003_third.mjs': `import {MongoBackedMigration} from 'monarch';\nexport default class Third extends MongoBackedMigration {\n\tasync run() {\n${order('third')}\n\t}\n}\n`,
			'20260101000001_first.ts': migrationSource('FirstMigration', order('first')),
			'20260101000004_fourth.js': `import {MongoBackedMigration} from 'monarch';\nexport default class Fourth extends MongoBackedMigration {\n\tasync run() {\n${order('fourth')}\n\t}\n}\n`,
			'20260101000002_second.mts': migrationSource('SecondMigration', order('second')),
			'README.md': 'not a migration',
			'types.d.ts': 'export type X = 1;',
		},
	});
	const result = await project.monarch(['migrate', 'development']);
	t.is(result.code, 0, result.stderr);
	t.regex(result.stdout, /Ran 4 migrations on development/);
	t.deepEqual((await project.db().collection<{_id: string; names: string[]}>('order').findOne({_id: 'ran'}))?.names, [
		'first',
		'second',
		'third',
		'fourth',
	]);

	const history = await project.db().collection<Entry>('monarch_migrations').find().sort({_id: 1}).toArray();
	t.deepEqual(
		history.map(entry => [entry._id, entry.state, entry.name]),
		[
			['20260101000001_first', 'Completed', 'FirstMigration'],
			['20260101000002_second', 'Completed', 'SecondMigration'],
			['20260101000003_third', 'Completed', 'Third'],
			['20260101000004_fourth', 'Completed', 'Fourth'],
		],
	);
	t.regex(history[0]!.checksum, /^[0-9a-f]{64}$/);
	t.true(typeof history[0]!.durationMs === 'number');
	t.is(history[0]!.monarchVersion, JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')).version);

	const again = await project.monarch(['migrate', 'development']);
	t.is(again.code, 0);
	t.regex(again.stdout, /Nothing to migrate on development/);
	t.is((await project.db().collection<{_id: string; names: string[]}>('order').findOne({_id: 'ran'}))?.names.length, 4);
});

test('a failing migration stops the run, is recorded Failed with its error, and blocks later ones until migrate_one', async t => {
	const project = await createProject(t, {
		migrations: {
			'20260101000001_ok.ts': insertDog('rex'),
			'20260101000002_broken.ts': migrationSource('BrokenMigration', "\t\tthrow new Error('the dogs are out');"),
			'20260101000003_after.ts': insertDog('fido'),
		},
	});
	const first = await project.monarch(['migrate', 'development']);
	t.is(first.code, 1);
	t.regex(
		first.stderr,
		/Error: Migration 20260101000002_broken failed on development: the dogs are out \(fix it, then run `monarch migrate_one 20260101000002_broken development`\)/,
	);
	const history = project.db().collection<Entry>('monarch_migrations');
	const broken = await history.findOne({_id: '20260101000002_broken'});
	t.is(broken?.state, 'Failed');
	t.is(broken?.error?.message, 'the dogs are out');
	t.regex(broken?.error?.stack ?? '', /Error: the dogs are out/);
	t.is(await history.findOne({_id: '20260101000003_after'}), null);
	t.deepEqual(
		(await project.db().collection('dogs').find().toArray()).map(dog => dog.name),
		['rex'],
	);

	const blocked = await project.monarch(['migrate', 'development']);
	t.is(blocked.code, 1);
	t.regex(blocked.stderr, /Migration 20260101000002_broken failed on development: the dogs are out; later migrations wait for it/);
	t.is(await project.db().collection('dogs').countDocuments(), 1);

	await project.writeMigration('20260101000002_broken.ts', insertDog('fixed'));
	const forced = await project.monarch(['migrate_one', '20260101000002_broken', 'development']);
	t.is(forced.code, 0, forced.stderr);
	t.is((await history.findOne({_id: '20260101000002_broken'}))?.state, 'Completed');
	t.is((await history.findOne({_id: '20260101000002_broken'}))?.error, undefined);

	const rest = await project.monarch(['migrate', 'development']);
	t.is(rest.code, 0, rest.stderr);
	t.deepEqual(
		(await project.db().collection('dogs').find().toArray()).map(dog => dog.name),
		['rex', 'fixed', 'fido'],
	);
});

test('migrate_one re-runs a completed migration and refuses an unknown key', async t => {
	const project = await createProject(t, {migrations: {'20260101000001_dog.ts': insertDog('rex')}});
	t.is((await project.monarch(['migrate', 'development'])).code, 0);
	const again = await project.monarch(['migrate-one', '20260101000001_dog', 'development']);
	t.is(again.code, 0, again.stderr);
	t.is(await project.db().collection('dogs').countDocuments(), 2);
	const unknown = await project.monarch(['migrate_one', '20260101000009_nope', 'development']);
	t.is(unknown.code, 2);
	t.regex(unknown.stderr, /No migration "20260101000009_nope" in .*migrations \(see `monarch list_migrations development`\)/);
});

test('a migration file that fails to load is named and nothing runs', async t => {
	const project = await createProject(t, {
		migrations: {
			'20260101000001_ok.ts': insertDog('rex'),
			'20260101000002_syntax.ts': 'export default class {{{',
			'20260101000003_no_class.ts': 'export const x = 1;\n',
		},
	});
	const result = await project.monarch(['migrate', 'development']);
	t.is(result.code, 2);
	t.regex(result.stderr, /^Error: .*20260101000002_syntax\.ts: cannot load: .*\(fix the file; nothing was run\)/);
	t.is(await project.db().collection('dogs').countDocuments(), 0);
	t.is(await project.db().collection('monarch_migrations').countDocuments(), 0);

	await project.writeMigration('20260101000002_syntax.ts', insertDog('ok'));
	const noClass = await project.monarch(['migrate', 'development']);
	t.is(noClass.code, 2);
	t.regex(noClass.stderr, /20260101000003_no_class\.ts: no migration class exported/);
	t.is(await project.db().collection('dogs').countDocuments(), 0);
});

test('list_migrations flags checksum drift and history without a file, and --check exits 3 while something is pending', async t => {
	const project = await createProject(t, {
		migrations: {
			'20260101000001_one.ts': insertDog('one'),
			'20260101000002_two.ts': insertDog('two'),
			'20260101000003_gone.ts': insertDog('gone'),
		},
	});
	t.is((await project.monarch(['migrate', 'development'])).code, 0);
	t.is((await project.monarch(['list_migrations', 'development', '--check'])).code, 0);

	await writeFile(path.join(project.dir, 'migrations', '20260101000001_one.ts'), insertDog('one, edited'));
	await rm(path.join(project.dir, 'migrations', '20260101000003_gone.ts'));
	await project.writeMigration('20260101000004_new.ts', insertDog('new'));

	const text = await project.monarch(['list_migrations', 'development', '--check']);
	t.is(text.code, 3);
	t.regex(text.stdout, /Completed\s+20260101000001_one\s+\S+ \S+\s+(?:\d+ ms|[\d.]+ s)\s+changed since it ran/);
	t.regex(text.stdout, /Completed\s+20260101000003_gone\s+.*file missing/);
	t.regex(text.stdout, /New\s+20260101000004_new/);
	t.regex(text.stdout, /3 migrations: 2 completed, 1 pending, 1 in history without a file/);

	const json = JSON.parse((await project.monarch(['list-migrations', 'development', '--json'])).stdout) as {
		migrations: Array<{key: string; drift: boolean}>;
		orphans: Array<{_id: string}>;
	};
	t.deepEqual(
		json.migrations.map(migration => [migration.key, migration.drift]),
		[
			['20260101000001_one', true],
			['20260101000002_two', false],
			['20260101000004_new', false],
		],
	);
	t.deepEqual(
		json.orphans.map(orphan => orphan._id),
		['20260101000003_gone'],
	);
});

test('list_migrations keeps its columns when a migration is named in CJK or with an emoji', async t => {
	const project = await createProject(t, {
		migrations: {
			'20260101000001_犬小屋を追加.ts': insertDog('a'),
			'20260101000002_add_🐶_emoji.ts': insertDog('b'),
			'20260101000003_plain_ascii_name.ts': insertDog('c'),
		},
	});
	const listed = await project.monarch(['list_migrations', 'development']);
	t.is(listed.code, 0, listed.stderr);
	const rows = listed.stdout.split('\n').filter(line => /^\s+(STATE|New)\s/.test(line));
	t.is(rows.length, 4);
	// Every row's third column (FINISHED, here "-") starts at the same display column.
	const columnOf = (line: string) => stringWidth(line.slice(0, line.search(/(FINISHED|-)\s/)));
	t.deepEqual(new Set(rows.map(columnOf)).size, 1, rows.join('\n'));
});

test('this.log and this.progress reach the user as lines', async t => {
	const project = await createProject(t, {
		migrations: {
			'20260101000001_loop.ts': migrationSource(
				'LoopMigration',
				'\t\tfor (let done = 0; done <= 4; done++) this.progress(done, 4);\n\t\tthis.log(`running on ${this.environment}`);',
			),
		},
	});
	const result = await project.monarch(['migrate', 'development']);
	t.is(result.code, 0, result.stderr);
	t.regex(result.stderr, /▶ 20260101000001_loop/);
	t.regex(result.stderr, /20260101000001_loop │ running on development/);
	// A rate shows only once a meaningful sample exists (see meaningfulSample, tested with fixed clocks); here either may be printed.
	t.regex(result.stderr, /20260101000001_loop 4\/4 100%( .*\/s.*)?\n/);
	t.regex(result.stderr, /✔ 20260101000001_loop \((?:\d+ ms|[\d.]+ s)\)/);
});
