import {copyFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {Readable} from 'node:stream';
import {fileURLToPath} from 'node:url';
import test, {type ExecutionContext} from 'ava';
import {sampleData} from '../scripts/sample/seed.js';
import {createCliPrompter} from '../source/cli/prompter.js';
import {loadConfig} from '../source/core/config/load.js';
import {describeError, MonarchError} from '../source/core/errors.js';
import type {MonarchEvent} from '../source/core/events.js';
import {discoverQuerySets, findQuerySet} from '../source/core/querysets/discover.js';
import {runQuerySet} from '../source/core/querysets/run.js';
import {querySetTemplate} from '../source/core/querysets/template.js';
import {QuerySet} from '../source/index.js';
import {createProject} from './helpers/project.js';

const sampleFolder = fileURLToPath(new URL('../querysets/', import.meta.url));
const builtEntry = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/** A project on the test server, seeded with the sample shop, holding the sample QuerySets and `files`. */
async function setup(t: ExecutionContext, files: Record<string, string> = {}) {
	const project = await createProject(t);
	for (const [collection, documents] of Object.entries(sampleData())) {
		await project
			.db()
			.collection(collection)
			.insertMany(documents as Array<Record<string, unknown>>);
	}

	for (const name of ['awesome_dogs.ts', 'account.ts'])
		await copyFile(path.join(sampleFolder, name), path.join(project.dir, 'querysets', name));
	for (const [name, source] of Object.entries(files)) await writeFile(path.join(project.dir, 'querysets', name), source);
	const config = await loadConfig({cwd: project.dir});
	const events: MonarchEvent[] = [];
	const run = async (name: string, params: Record<string, string> = {}) =>
		runQuerySet({
			config,
			name,
			database: project.db(),
			environment: 'development',
			// No terminal: every answer must come from the params.
			prompter: createCliPrompter({params: new Map(Object.entries(params)), input: Readable.from([])}),
			events: event => events.push(event),
		});
	return {project, config, events, run};
}

/** A QuerySet file importing from 'monarch' whose run() holds `body`. */
function querySet(className: string, body: string, from = 'monarch'): string {
	return `import {QuerySet} from '${from}';\n\nexport default class ${className} extends QuerySet {\n\tasync run() {\n${body}\n\t}\n}\n`;
}

async function rejection(t: ExecutionContext, promise: Promise<unknown>): Promise<MonarchError> {
	const error = await t.throwsAsync(promise, {instanceOf: MonarchError});
	t.false(describeError(error).includes('\n'), 'the message is one line');
	return error;
}

test('AwesomeDogsQuerySet (sample project) selects the awesome dogs and their dog houses, and logs their ids', async t => {
	const {project, events, run} = await setup(t);
	const result = await run('AwesomeDogsQuerySet');
	const awesome = sampleData()
		.dogs.filter(dog => dog.type === 'Awesome')
		.map(dog => dog._id);
	t.is(result.name, 'AwesomeDogsQuerySet');
	t.deepEqual(result.answers, {});
	t.deepEqual(
		result.selection.collections.map(collection => collection.name),
		['dogs', 'dog_houses'],
	);
	const [dogs, houses] = result.selection.collections;
	t.deepEqual(
		[...(dogs!.filter._id as {$in: number[]}).$in].sort((a, b) => a - b),
		awesome,
	);
	t.deepEqual(
		[...(houses!.filter.dog_id as {$in: number[]}).$in].sort((a, b) => a - b),
		awesome,
	);

	// The filters select exactly those documents on the server.
	const dogIds = await project
		.db()
		.collection<{_id: number}>('dogs')
		.find(dogs!.filter)
		.map(dog => dog._id)
		.toArray();
	t.deepEqual(
		dogIds.sort((a, b) => a - b),
		awesome,
	);
	t.is(await project.db().collection('dog_houses').countDocuments(houses!.filter), awesome.length);

	const logs = events.filter(event => event.type === 'log' && event.level === 'info');
	t.is(logs.length, 1);
	t.like(logs[0], {type: 'log', source: 'AwesomeDogsQuerySet'});
	const logged = (logs[0] as {message: string}).message.replace('awesome dog ids: ', '').split(', ').map(Number);
	t.deepEqual(
		logged.sort((a, b) => a - b),
		awesome,
	);
});

test('AccountQuerySet (sample project) takes the account id from --param and records the answer', async t => {
	const {project, run} = await setup(t);
	for (const name of ['AccountQuerySet', 'accountqueryset', 'account', 'ACCOUNT']) {
		const result = await run(name, {accountId: '7'});
		t.deepEqual(result, {
			name: 'AccountQuerySet',
			answers: {accountId: 7},
			selection: {
				collections: [
					{name: 'accounts', filter: {_id: 7}},
					{name: 'campaigns', filter: {account_id: 7}},
				],
			},
		});
	}

	const [accounts, campaigns] = (await run('AccountQuerySet', {accountId: '7'})).selection.collections;
	t.deepEqual(
		await project.db().collection('accounts').find(accounts!.filter).toArray(),
		sampleData().accounts.filter(account => account._id === 7),
	);
	const expected = sampleData()
		.campaigns.filter(campaign => campaign.account_id === 7)
		.map(campaign => campaign._id);
	t.is(expected.length, 5);
	t.deepEqual(
		(await project.db().collection('campaigns').find(campaigns!.filter).sort({_id: 1}).toArray()).map(campaign => campaign._id),
		expected,
	);
});

test('a missing --param without a terminal fails naming it, before the QuerySet does anything else', async t => {
	const {project, events, run} = await setup(t, {
		'tagged.ts': querySet(
			'TaggedQuerySet',
			[
				"\t\tconst tag = await this.prompt.text({message: 'Which tag should be copied?'});",
				"\t\tawait this.database.collection('touched').insertOne({tag});",
				"\t\tthis.log('went on');",
				"\t\tawait this.dumpCollection('dogs', {tag});",
			].join('\n'),
		),
	});
	const missing = await rejection(t, run('AccountQuerySet'));
	t.is(missing.code, 'usage');
	t.regex(
		describeError(missing),
		/^AccountQuerySet \(querysets\/account\.ts\): No answer for "Please enter an account id".*pass --param accountId=VALUE/,
	);

	const tagged = await rejection(t, run('tagged', {accountId: '7'}));
	t.regex(describeError(tagged), /TaggedQuerySet .*pass --param whichTagShouldBeCopied=VALUE/);
	t.is(await project.db().collection('touched').countDocuments(), 0);
	t.deepEqual(events, []);
});

test('an answer that is not a whole number is refused in one line', async t => {
	const {run} = await setup(t);
	const letters = await rejection(t, run('AccountQuerySet', {accountId: 'abc'}));
	t.is(letters.code, 'usage');
	t.regex(describeError(letters), /AccountQuerySet \(querysets\/account\.ts\): --param accountId=abc: enter a number$/);
	const fraction = await rejection(t, run('AccountQuerySet', {accountId: '7.5'}));
	t.regex(describeError(fraction), /--param accountId=7\.5: enter a whole number$/);
	const empty = await rejection(t, run('AccountQuerySet', {accountId: ''}));
	t.regex(describeError(empty), /--param accountId=: enter a number$/);
});

test('number prompts check min, max and validate; text prompts validate too', async t => {
	const {run} = await setup(t, {
		'some_dogs.ts': querySet(
			'SomeDogsQuerySet',
			[
				"\t\tconst count = await this.prompt.number({message: 'How many dogs', min: 2, max: 10, validate: value => value % 2 === 0 || 'must be even'});",
				"\t\tconst name = await this.prompt.text({key: 'name', message: 'Name starts with', validate: value => /^[A-Z]/.test(value) ? undefined : 'start with a capital letter'});",
				"\t\tconst ids = (await this.database.collection('dogs').find({name: {$regex: '^' + name}}).sort({_id: 1}).limit(count).toArray()).map(dog => dog._id);",
				"\t\tawait this.dumpCollection('dogs', {_id: {$in: ids}});",
			].join('\n'),
		),
	});
	const problems = [
		[{howManyDogs: '1', name: 'Rex'}, /--param howManyDogs=1: must be at least 2$/],
		[{howManyDogs: '12', name: 'Rex'}, /--param howManyDogs=12: must be at most 10$/],
		[{howManyDogs: '5', name: 'Rex'}, /--param howManyDogs=5: must be even$/],
		[{howManyDogs: '4', name: 'rex'}, /--param name=rex: start with a capital letter$/],
	] as const;
	for (const [params, message] of problems) {
		const error = await rejection(t, run('SomeDogsQuerySet', params));
		t.regex(describeError(error), message);
	}

	const result = await run('SomeDogsQuerySet', {howManyDogs: '4', name: 'Rex'});
	t.deepEqual(result.answers, {howManyDogs: 4, name: 'Rex'});
	t.deepEqual(result.selection.collections, [{name: 'dogs', filter: {_id: {$in: [1, 11, 21, 31]}}}]);
});

test('select and confirm prompts are answered by key and recorded', async t => {
	const {run} = await setup(t, {
		'houses.ts': querySet(
			'HousesQuerySet',
			[
				"\t\tconst size = await this.prompt.select({key: 'size', message: 'Which dog houses', choices: ['small', {value: 'medium', label: 'Medium ones'}, 'large']});",
				"\t\tconst withDogs = await this.prompt.confirm({message: 'Copy their dogs too?', default: false});",
				"\t\tconst houses = await this.database.collection('dog_houses').find({size}).sort({_id: 1}).toArray();",
				"\t\tawait this.dumpCollection('dog_houses', {size});",
				"\t\tif (withDogs) await this.dumpCollection('dogs', {_id: {$in: houses.map(house => house.dog_id)}});",
			].join('\n'),
		),
	});
	const large = await run('houses', {size: 'large', copyTheirDogsToo: 'yes'});
	t.deepEqual(large.answers, {size: 'large', copyTheirDogsToo: true});
	const largeDogs = sampleData()
		.dog_houses.filter(house => house.size === 'large')
		.map(house => house.dog_id);
	t.deepEqual(large.selection.collections, [
		{name: 'dog_houses', filter: {size: 'large'}},
		{name: 'dogs', filter: {_id: {$in: largeDogs}}},
	]);

	const second = await run('houses', {size: '2', copyTheirDogsToo: 'n'});
	t.deepEqual(second.answers, {size: 'medium', copyTheirDogsToo: false});
	t.deepEqual(second.selection.collections, [{name: 'dog_houses', filter: {size: 'medium'}}]);

	const wrongChoice = await rejection(t, run('houses', {size: 'huge', copyTheirDogsToo: 'n'}));
	t.regex(describeError(wrongChoice), /--param size=huge: choose one of small, medium, large$/);
	const wrongYes = await rejection(t, run('houses', {size: 'small', copyTheirDogsToo: 'maybe'}));
	t.regex(describeError(wrongYes), /--param copyTheirDogsToo=maybe: answer y or n$/);
});

test('dumpCollection twice for one collection takes either filter; with no filter it takes the whole collection', async t => {
	const {project, run} = await setup(t, {
		'mixed.ts': querySet(
			'MixedQuerySet',
			[
				"\t\tawait this.dumpCollection('dogs', {type: 'Lazy'});",
				"\t\tawait this.dumpCollection('accounts');",
				"\t\tawait this.dumpCollection('dogs', {_id: 1});",
				"\t\tawait this.dumpCollection('campaigns', {account_id: 1});",
				"\t\tawait this.dumpCollection('campaigns');",
			].join('\n'),
		),
	});
	const result = await run('MixedQuerySet');
	t.deepEqual(result.selection.collections, [
		{name: 'dogs', filter: {$or: [{type: 'Lazy'}, {_id: 1}]}},
		{name: 'accounts', filter: {}},
		{name: 'campaigns', filter: {}},
	]);
	const expected = sampleData().dogs.filter(dog => dog.type === 'Lazy' || dog._id === 1).length;
	t.is(await project.db().collection('dogs').countDocuments(result.selection.collections[0]!.filter), expected);
});

test('a QuerySet that selects nothing, throws (a generated one too), or names a bad collection fails naming itself', async t => {
	const {run} = await setup(t, {
		'empty.ts': querySet('EmptyQuerySet', "\t\tthis.log('nothing to do');"),
		'broken.ts': querySet('BrokenQuerySet', "\t\tthrow new Error('the dogs are out\\nsecond line');"),
		'system.ts': querySet('SystemQuerySet', "\t\tawait this.dumpCollection('system.users');"),
		'dollar.ts': querySet('DollarQuerySet', "\t\tawait this.dumpCollection('price$');"),
		'array_filter.ts': querySet('ArrayFilterQuerySet', "\t\tawait this.dumpCollection('dogs', [] as never);"),
		'draft.ts': querySetTemplate('DraftQuerySet'),
	});
	const empty = await rejection(t, run('EmptyQuerySet'));
	t.is(empty.code, 'usage');
	t.regex(empty.message, /^EmptyQuerySet \(querysets\/empty\.ts\) calls dumpCollection for no collection$/);

	const broken = await rejection(t, run('broken'));
	t.is(broken.code, 'queryset-failed');
	t.is(broken.exitCode, 1);
	t.is(broken.message, 'BrokenQuerySet (querysets/broken.ts) failed: the dogs are out');

	const system = await rejection(t, run('system'));
	t.is(system.message, 'SystemQuerySet (querysets/system.ts): dumpCollection("system.users"): system collections are not copied');
	const dollar = await rejection(t, run('dollar'));
	t.regex(dollar.message, /DollarQuerySet .*dumpCollection\("price\$"\): a collection name cannot contain "\$"/);
	const arrayFilter = await rejection(t, run('array_filter'));
	t.regex(arrayFilter.message, /ArrayFilterQuerySet .*the filter must be an object/);
	// A freshly generated QuerySet loads, and says it is not written yet.
	const draft = await rejection(t, run('DraftQuerySet'));
	t.is(
		draft.message,
		'DraftQuerySet (querysets/draft.ts) failed: DraftQuerySet is not written yet: call this.dumpCollection for each collection to take',
	);
});

test('QuerySets are recognised by their brand, also from a separately loaded copy of monarch', async t => {
	const {config, run} = await setup(t, {
		'built_copy.ts': querySet('BuiltCopyQuerySet', "\t\tawait this.dumpCollection('dogs', {type: this.environment});", builtEntry),
		'plain.mjs': 'export default class PlainQuerySet {\n\tasync run() {}\n}\n',
	});
	// The file imports the built package, a different copy of the class than the one this test imports.
	const loaded = await findQuerySet(config, 'BuiltCopyQuerySet');
	t.not(Object.getPrototypeOf(loaded.querySetClass), QuerySet);
	t.false(loaded.querySetClass.prototype instanceof QuerySet);
	t.deepEqual((await run('BuiltCopyQuerySet')).selection.collections, [{name: 'dogs', filter: {type: 'development'}}]);

	// The sample files import 'monarch', which jiti resolves to a fresh copy too.
	const account = await findQuerySet(config, 'AccountQuerySet');
	t.false(account.querySetClass.prototype instanceof QuerySet);

	// A class that does not extend QuerySet is not one, whatever its name.
	const plain = await rejection(t, run('PlainQuerySet'));
	t.regex(plain.message, /querysets\/plain\.mjs: no QuerySet class exported$/);
	t.regex(describeError(plain), /extends QuerySet/);
});

test('discoverQuerySets lists class names and files; a file that fails to load is named; an unknown name lists the known ones', async t => {
	const {project, config, run} = await setup(t, {'notes.md': 'not a QuerySet', 'types.d.ts': 'export type X = 1;'});
	t.deepEqual(await discoverQuerySets(config), [
		{name: 'AccountQuerySet', file: path.join(project.dir, 'querysets', 'account.ts')},
		{name: 'AwesomeDogsQuerySet', file: path.join(project.dir, 'querysets', 'awesome_dogs.ts')},
	]);

	const unknown = await rejection(t, run('CatsQuerySet'));
	t.is(unknown.code, 'not-found');
	t.is(describeError(unknown), 'No QuerySet "CatsQuerySet" in querysets (known QuerySets: AccountQuerySet, AwesomeDogsQuerySet)');

	await writeFile(
		path.join(project.dir, 'querysets', 'typo.ts'),
		"import {QuerySet} from 'monarch';\nexport default class TypoQuerySet extends QuerySet {\n\tasync run( {\n}\n",
	);
	const broken = await rejection(t, discoverQuerySets(config));
	t.is(broken.code, 'config');
	t.true(broken.message.startsWith(`${path.join(project.dir, 'querysets', 'typo.ts')}: cannot load:`));
	// The broken file does not stand in the way of another QuerySet named on the command line...
	t.is((await run('AccountQuerySet', {accountId: '3'})).answers.accountId, 3);
	// ...but it is named when it is the one asked for.
	const typo = await rejection(t, run('typo'));
	t.regex(typo.message, /querysets\/typo\.ts: cannot load/);
});
