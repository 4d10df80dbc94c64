import test from 'ava';
import {loadConfig} from '../../source/core/config/load.js';
import {suggestScrub} from '../../source/core/scrub/suggest.js';
import type {Loose} from '../helpers/backup-data.js';
import {createProject, testMongoUri} from '../helpers/project.js';
import {corpusDocuments, corpusFields} from './corpus.js';

test('the suggestions find at least 95% of the personal fields and flag at most 10% of the look-alikes', async t => {
	const project = await createProject(t, {
		environments: {production: {uri: testMongoUri(), database: `t_${Math.random().toString(16).slice(2, 10)}_prod`, personalData: true}},
	});
	const {customers, orders} = corpusDocuments(400);
	await project.db('production').collection<Loose>('customers').insertMany(customers);
	await project.db('production').collection<Loose>('orders').insertMany(orders);

	const config = await loadConfig({cwd: project.dir});
	const result = await suggestScrub({config, environment: 'production', sample: 300});
	const byPath = new Map(
		result.collections.flatMap(collection => collection.paths.map(path => [`${collection.name}.${path.path}`, path] as const)),
	);
	const personal = corpusFields.filter(field => field.personal);
	const lookAlikes = corpusFields.filter(field => !field.personal);
	t.true(personal.length >= 25 && lookAlikes.length >= 25);
	const missing = corpusFields.filter(field => !byPath.has(`${field.collection}.${field.path}`));
	t.deepEqual(missing, [], 'every corpus path was observed');

	const flagged = (field: (typeof corpusFields)[number]) => byPath.get(`${field.collection}.${field.path}`)?.suggestion !== 'keep';
	const found = personal.filter(field => flagged(field));
	const falseAlarms = lookAlikes.filter(field => flagged(field));
	const describe = (field: (typeof corpusFields)[number]) => {
		const path = byPath.get(`${field.collection}.${field.path}`)!;
		return `${field.collection}.${field.path}: ${path.suggestion} (${path.reason})`;
	};

	t.log(
		`personal fields suggested a strategy: ${found.length} of ${personal.length} (${((found.length / personal.length) * 100).toFixed(1)}%)`,
	);
	t.log(
		`look-alikes flagged: ${falseAlarms.length} of ${lookAlikes.length} (${((falseAlarms.length / lookAlikes.length) * 100).toFixed(1)}%)`,
	);
	for (const field of personal.filter(field => !flagged(field))) t.log(`missed: ${describe(field)}`);
	for (const field of falseAlarms) t.log(`false alarm: ${describe(field)}`);
	t.true(found.length / personal.length >= 0.95, `found ${found.length} of ${personal.length}`);
	t.true(falseAlarms.length / lookAlikes.length <= 0.1, `flagged ${falseAlarms.length} of ${lookAlikes.length}`);

	// The fields only their values tell are found by value, with the share in the reason.
	t.is(byPath.get('customers.contact')?.suggestion, 'fake.email');
	t.regex(byPath.get('customers.contact')?.reason ?? '', /^100% of values look like email addresses$/);
	t.is(byPath.get('customers.ref')?.suggestion, 'fake.iban');
	t.is(byPath.get('customers.origin')?.suggestion, 'fake.ipv6');
	t.is(byPath.get('customers.value')?.suggestion, 'hash');
	t.is(byPath.get('customers.notes')?.suggestion, 'redact');
	t.regex(byPath.get('customers.notes')?.reason ?? '', /of values hold phone numbers/);
	t.is(byPath.get('customers._id')?.suggestion, 'keep');
	t.is(byPath.get('customers.email')?.present, 1);
	t.deepEqual(byPath.get('customers.dob')?.types, ['date']);
	t.is(result.unclassified, byPath.size, 'nothing is classified yet');
});
