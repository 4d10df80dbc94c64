import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import test from 'ava';
import {BSON} from 'bson';
import {formattingOf} from '../../source/core/edit-config-file.js';
import {readBsonString, walkPaths} from '../../source/core/scrub/paths.js';
import type {ScrubSuggestResult} from '../../source/core/scrub/suggest.js';
import {writeSuggestions} from '../../source/core/scrub/suggest-write.js';
import {type Loose, snapshot} from '../helpers/backup-data.js';
import {createProject, testMongoUri} from '../helpers/project.js';

/** A monarch.json as a user writes it: tabs, `scrub` first, an entry of their own. */
function userConfig(environments: Record<string, unknown>): string {
	return `{
\t"scrub": {
\t\t"keyEnv": "SHOP_SCRUB_KEY",
\t\t"accounts": {
\t\t\t"plan": "keep",
\t\t\t"email": "fake.email"
\t\t}
\t},
\t"environments": ${JSON.stringify(environments, null, '\t').replace(/\n/g, '\n\t')},
\t"lock": {"leaseSeconds": 2, "waitSeconds": 20}
}
`;
}

async function suggestProject(t: Parameters<typeof createProject>[0]) {
	const project = await createProject(t, {
		environments: {production: {uri: testMongoUri(), database: `t_${Math.random().toString(16).slice(2, 10)}_prod`, personalData: true}},
	});
	const environments = {
		development: {uri: testMongoUri(), database: project.databases.development},
		production: {uri: testMongoUri(), database: project.databases.production, personalData: true},
	};
	const text = userConfig(environments);
	await writeFile(path.join(project.dir, 'monarch.json'), text);
	const production = project.db('production');
	await production.collection<Loose>('accounts').insertMany(
		Array.from({length: 40}, (_, index) => ({
			_id: index,
			email: `customer${index}@shop.example`,
			plan: index % 2 ? 'gold' : 'free',
			ssn: `${String(100 + index).padStart(3, '0')}-12-${String(1000 + index)}`,
			notes: index % 4 === 0 ? `call Jane at +1 555 0${String(100 + index)}` : 'no notes',
			address: {street: `${index} Rue Réelle`, city: 'Paris'},
			contacts: [{email: `friend${index}@mail.example`, since: new Date(Date.UTC(2020, 0, 1 + index))}],
			...(index >= 30 ? {referral_code: `R${index}`} : {}),
		})),
	);
	await production.createCollection('audit_log');
	await production.collection<Loose>('products').insertMany([
		{_id: 1, title: 'a product', price: 3, tags: ['new']},
		{_id: 2, title: 'another', price: 5, tags: []},
	]);
	return {project, text};
}

test('scrub_suggest prints a table per collection, --json the result, and writes nothing', async t => {
	const {project, text} = await suggestProject(t);
	const before = await snapshot(project.db('production'));
	const shown = await project.monarch(['scrub_suggest', 'production']);
	t.is(shown.code, 0, shown.stderr);
	const lines = shown.stdout.split('\n');
	t.true(lines.includes('accounts (40 documents sampled, classified by field)'), shown.stdout);
	t.true(lines.includes('products (2 documents sampled, not classified; suggested: "keep" for the whole collection)'), shown.stdout);
	t.true(
		lines.includes(
			'audit_log (0 documents sampled, not classified; suggested: "empty" for the whole collection, nothing known of its documents)',
		),
		shown.stdout,
	);
	t.regex(shown.stdout, /^ {2}PATH +TYPES +PRESENT +CURRENT +SUGGESTION +REASON$/m);
	t.regex(
		shown.stdout,
		/^ {2}email +string +100% +fake\.email +fake\.email +the name says an email address; 100% of values look like email addresses$/m,
	);
	t.regex(shown.stdout, /^ {2}ssn +string +100% +unclassified +hash +the name says a national identifier/m);
	t.regex(shown.stdout, /^ {2}notes +string +100% +unclassified +redact +25% of values hold phone numbers$/m);
	t.regex(shown.stdout, /^ {2}contacts\[\]\.since +date +100% +unclassified +keep /m);
	t.regex(shown.stdout, /^ {2}referral_code +string +25% +unclassified +keep /m);
	t.regex(
		shown.stdout,
		/^\d+ unclassified paths in production \(samples of up to 1000 documents\); nothing written: --write adds the suggestions to monarch\.json$/m,
	);

	const json = await project.monarch(['scrub_suggest', 'production', '--json', '--sample', '10']);
	t.is(json.code, 0, json.stderr);
	const result = JSON.parse(json.stdout) as ScrubSuggestResult;
	t.is(result.sample, 10);
	const accounts = result.collections.find(collection => collection.name === 'accounts')!;
	t.is(accounts.sampled, 10);
	t.deepEqual(
		accounts.paths.find(entry => entry.path === 'contacts[].email'),
		{
			path: 'contacts[].email',
			types: ['string'],
			documents: 10,
			present: 1,
			current: null,
			suggestion: 'fake.email',
			reason: 'the name says an email address; 100% of values look like email addresses',
		},
	);
	t.is(await readFile(path.join(project.dir, 'monarch.json'), 'utf8'), text);
	t.deepEqual(await snapshot(project.db('production')), before);

	const unknown = await project.monarch(['scrub_suggest', 'prod']);
	t.is(unknown.code, 2);
	t.regex(unknown.stderr, /prod/);
	const bad = await project.monarch(['scrub_suggest', 'production', '--sample', 'lots']);
	t.is(bad.code, 2);
	t.regex(bad.stderr, /--sample: expected a whole number from 1 to 1000000, got "lots"/);
});

test("scrub_suggest --write adds suggestions for unclassified paths only, keeps the file's entries and formatting, and a second run adds nothing", async t => {
	const {project, text} = await suggestProject(t);
	const file = path.join(project.dir, 'monarch.json');
	const written = await project.monarch(['scrub_suggest', 'production', '--write']);
	t.is(written.code, 0, written.stderr);
	t.regex(written.stdout, /^Added \d+ entries to monarch\.json \(accounts: \d+, audit_log: "empty", products: "keep"\): review the diff$/m);
	const after = await readFile(file, 'utf8');
	// The user's lines are all there, in their order, with their tabs.
	const userLines = text.split('\n').filter(line => !/^\t\t\t"email": "fake.email"$/.test(line));
	let position = 0;
	for (const line of userLines) {
		const found = after.indexOf(line, position);
		t.not(found, -1, line);
		position = found;
	}

	t.false(/^ +"/m.test(after), 'no line indented with spaces');
	const scrub = (JSON.parse(after) as {scrub: Record<string, unknown>}).scrub;
	t.deepEqual(Object.keys(scrub), ['keyEnv', 'accounts', 'audit_log', 'products']);
	t.is(scrub.audit_log, 'empty');
	const accounts = scrub.accounts as Record<string, string>;
	t.deepEqual(Object.keys(accounts).slice(0, 2), ['plan', 'email'], "the user's entries first, in their order");
	t.like(accounts, {
		plan: 'keep',
		email: 'fake.email',
		_id: 'keep',
		ssn: 'hash',
		notes: 'redact',
		'address.street': 'fake.street',
		'address.city': 'fake.city',
		'contacts[].email': 'fake.email',
		'contacts[].since': 'keep',
	});
	t.is(scrub.products, 'keep');

	const again = await project.monarch(['scrub_suggest', 'production', '--write']);
	t.is(again.code, 0, again.stderr);
	t.regex(again.stdout, /^Nothing to add to monarch\.json: every path is classified$/m);
	const plain = await project.monarch(['scrub_suggest', 'production']);
	t.regex(plain.stdout, /^Every path seen in production is classified \(samples of up to 1000 documents\)$/m);
	t.regex(again.stdout, /^ {2}ssn +string +100% +hash +hash /m, 'the new entries now classify');
	t.is(await readFile(file, 'utf8'), after, 'idempotent');

	// The classification written is complete: a scrubbed copy passes, and carries none of the personal values.
	const copied = await project.monarch(['copy_db', 'production:development', '--scrub', '--yes'], {
		env: {SHOP_SCRUB_KEY: 'a-scrub-key-for-the-tests-0123456789'},
	});
	t.is(copied.code, 0, copied.stderr);
	const copies = await project.db('development').collection<Loose>('accounts').find({}).sort({_id: 1}).toArray();
	t.is(copies.length, 40);
	const copiedText = JSON.stringify(copies);
	for (const secret of ['customer0@shop.example', '100-12-1000', '+1 555 0100', '0 Rue Réelle', 'friend0@mail.example'])
		t.false(copiedText.includes(secret), secret);
	t.regex(String(copies[0]!.notes), /^call Jane at \S/);
	t.is(copies[1]!.plan, 'gold');
	t.log(written.stdout);
});

test('--write refuses, writing nothing, when monarch.json changed since it was read', async t => {
	const dir = await mkdtemp(path.join(tmpdir(), 'monarch-suggest-'));
	t.teardown(async () => rm(dir, {recursive: true, force: true}));
	const file = path.join(dir, 'monarch.json');
	const original = '{\n    "scrub": {}\n}\n';
	const changed = '{\n    "scrub": {"accounts": {"email": "hash"}}\n}\n';
	await writeFile(file, changed);
	const collections = [
		{
			name: 'accounts',
			sampled: 1,
			current: null,
			suggestion: 'fields' as const,
			paths: [{path: 'email', types: ['string'], documents: 1, present: 1, current: null, suggestion: 'fake.email', reason: ''}],
		},
	];
	await t.throwsAsync(writeSuggestions({file, displayFile: 'monarch.json', original, collections}), {
		message: 'monarch.json changed while scrub_suggest ran; nothing written',
	});
	t.is(await readFile(file, 'utf8'), changed);

	await writeFile(file, original);
	t.deepEqual(await writeSuggestions({file, displayFile: 'monarch.json', original, collections}), {
		added: 1,
		collections: [{name: 'accounts', added: 1}],
	});
	t.is(
		await readFile(file, 'utf8'),
		'{\n    "scrub": {\n        "accounts": {\n            "email": "fake.email"\n        }\n    }\n}\n',
		'four spaces, as the file had',
	);
});

test("walkPaths gives each string leaf's bytes, which readBsonString reads back (any UTF-8)", t => {
	const raw = BSON.serialize({a: 'Rue Réelle', b: {c: ['日本', '🐕 dog', '']}, n: 3});
	const strings: Array<[string, string]> = [];
	walkPaths(raw, (path, type, offset, length) => {
		if (type === 2) strings.push([path, readBsonString(raw, offset, length)]);
	});
	t.deepEqual(strings, [
		['a', 'Rue Réelle'],
		['b.c[]', '日本'],
		['b.c[]', '🐕 dog'],
		['b.c[]', ''],
	]);
});

test('formattingOf reads tabs, spaces and line ends', t => {
	t.deepEqual(formattingOf('{\n\t"a": 1\n}'), {insertSpaces: false, tabSize: 1, eol: '\n'});
	t.deepEqual(formattingOf('{\r\n   "a": 1\r\n}'), {insertSpaces: true, tabSize: 3, eol: '\r\n'});
	t.deepEqual(formattingOf('{"a": 1}'), {insertSpaces: true, tabSize: 2, eol: '\n'});
});
