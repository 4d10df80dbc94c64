import {copyFile, readdir, readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {createProject} from './helpers/project.js';

const sampleFolder = fileURLToPath(new URL('../querysets/', import.meta.url));

test('generate_query_set writes querysets/<snake_name>.ts, and refuses an existing file and path-like names', async t => {
	const project = await createProject(t);
	const generated = await project.monarch(['generate_query_set', 'data for account']);
	t.is(generated.code, 0, generated.stderr);
	t.is(generated.stdout.trim(), 'Created querysets/data_for_account.ts (DataForAccountQuerySet)');
	const source = await readFile(path.join(project.dir, 'querysets', 'data_for_account.ts'), 'utf8');
	t.regex(source, /^import \{QuerySet\} from 'monarch';/);
	t.regex(source, /export default class DataForAccountQuerySet extends QuerySet \{\n\tasync run\(\) \{/);
	for (const offered of ['this.database', 'this.dumpCollection', 'this.prompt', 'this.log', 'this.environment', 'this.signal'])
		t.true(source.includes(offered), offered);

	// The kebab-case alias works, and a trailing "QuerySet" is not doubled.
	const alias = await project.monarch(['generate-query-set', 'AwesomeCatsQuerySet']);
	t.is(alias.code, 0, alias.stderr);
	t.regex(alias.stdout, /Created querysets\/awesome_cats\.ts \(AwesomeCatsQuerySet\)/);

	const again = await project.monarch(['generate_query_set', 'data_for_account']);
	t.is(again.code, 2);
	t.is(
		again.stderr.trim(),
		'Error: querysets/data_for_account.ts already exists; nothing was changed (pick another name, or edit that file)',
	);
	t.is(await readFile(path.join(project.dir, 'querysets', 'data_for_account.ts'), 'utf8'), source);

	for (const name of ['../escape', 'a/b', '..']) {
		const refused = await project.monarch(['generate_query_set', name]);
		t.is(refused.code, 2, name);
		t.regex(refused.stderr, /generate_query_set <name>: ".*" is not a valid name/);
	}

	t.deepEqual((await readdir(path.join(project.dir, 'querysets'))).sort(), ['awesome_cats.ts', 'data_for_account.ts']);
	t.deepEqual(await readdir(project.dir).then(names => names.filter(name => name.includes('escape'))), []);
});

test('list_query_sets shows each QuerySet with its file and the --param keys it asks for', async t => {
	const project = await createProject(t);
	const empty = await project.monarch(['list_query_sets']);
	t.is(empty.code, 0, empty.stderr);
	t.regex(empty.stdout, /No QuerySets in querysets yet: `monarch generate_query_set <name>`/);

	for (const name of ['awesome_dogs.ts', 'account.ts'])
		await copyFile(path.join(sampleFolder, name), path.join(project.dir, 'querysets', name));
	await writeFile(
		path.join(project.dir, 'querysets', 'houses.mjs'),
		[
			"import {QuerySet} from 'monarch';",
			'export class HousesQuerySet extends QuerySet {',
			'\tasync run() {',
			"\t\t// const old = await this.prompt.text({message: 'Not asked any more'});",
			"\t\tconst size = await this.prompt.select({message: 'Which {size} of house?', choices: ['small', 'large']});",
			"\t\tif (await this.prompt.confirm({key: 'withDogs', message: 'Dogs too?'})) await this.dumpCollection('dogs');",
			"\t\tawait this.dumpCollection('dog_houses', {size});",
			'\t}',
			'}',
		].join('\n'),
	);
	const generated = await project.monarch(['generate_query_set', 'data_for_account']);
	t.is(generated.code, 0, generated.stderr);

	const listed = await project.monarch(['list_query_sets', '--json']);
	t.is(listed.code, 0, listed.stderr);
	t.deepEqual(JSON.parse(listed.stdout), [
		{name: 'AccountQuerySet', file: 'querysets/account.ts', params: ['accountId']},
		{name: 'AwesomeDogsQuerySet', file: 'querysets/awesome_dogs.ts', params: []},
		{name: 'DataForAccountQuerySet', file: 'querysets/data_for_account.ts', params: []},
		{name: 'HousesQuerySet', file: 'querysets/houses.mjs', params: ['whichSizeOfHouse', 'withDogs']},
	]);

	const text = await project.monarch(['list-query-sets']);
	t.is(text.code, 0, text.stderr);
	t.deepEqual(
		text.stdout
			.trimEnd()
			.split('\n')
			.map(line => line.trimEnd().split(/\s{2,}/)),
		[
			['QuerySets in querysets'],
			['', 'NAME', 'FILE', 'PARAMS'],
			['', 'AccountQuerySet', 'querysets/account.ts', '--param accountId=...'],
			['', 'AwesomeDogsQuerySet', 'querysets/awesome_dogs.ts', '-'],
			['', 'DataForAccountQuerySet', 'querysets/data_for_account.ts', '-'],
			['', 'HousesQuerySet', 'querysets/houses.mjs', '--param whichSizeOfHouse=... --param withDogs=...'],
		],
	);
});

test('list_query_sets names a QuerySet file that fails to load, or a missing folder, on one line with status 2', async t => {
	const project = await createProject(t);
	await copyFile(path.join(sampleFolder, 'account.ts'), path.join(project.dir, 'querysets', 'account.ts'));
	await writeFile(
		path.join(project.dir, 'querysets', 'typo.ts'),
		"import {QuerySet} from 'monarch';\nexport default class TypoQuerySet extends QuerySet {\n\tasync run( {\n}\n",
	);
	const broken = await project.monarch(['list_query_sets']);
	t.is(broken.code, 2);
	t.is(broken.stdout, '');
	t.is(broken.stderr.trim().split('\n').length, 1);
	t.true(broken.stderr.includes(`${path.join(project.dir, 'querysets', 'typo.ts')}: cannot load:`), broken.stderr);

	await project.writeConfig({environments: {development: {uri: 'mongodb://127.0.0.1:1', database: 'x'}}, querysetsDir: 'nowhere'});
	const missing = await project.monarch(['list_query_sets']);
	t.is(missing.code, 2);
	t.regex(
		missing.stderr,
		/^Error: The QuerySets folder .*nowhere does not exist \(run `monarch generate_query_set <name>`, or set querysetsDir in monarch\.json\)\n$/,
	);
});
