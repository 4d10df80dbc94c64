import path from 'node:path';
import test, {type ExecutionContext} from 'ava';
import type {Loose} from '../helpers/backup-data.js';
import {createProject, testMongoUri} from '../helpers/project.js';
import {key, rules, scrubProject} from './helpers.js';

/** Nothing of these may reach the output: the planted values, whole or in part. */
const raw = [/customer5@shop\.example/i, /customer5/i, /12 34 0042/, /33612340042/, /someone@else/i];

function assertNoRawValue(t: ExecutionContext, text: string): void {
	for (const pattern of raw) t.notRegex(text, pattern, 'no raw value in the output');
}

test('after a scrubbed copy_db, scrub_audit finds no leak (exit 0); with --json, the result as documented', async t => {
	const {project} = await scrubProject(t);
	const copied = await project.monarch(['copy_db', 'production:development', '--scrub', '--yes'], {env: key});
	t.is(copied.code, 0, copied.stderr);
	t.notRegex(copied.stdout, /Audited/, 'scrub.audit is off by default');

	const audited = await project.monarch(['scrub_audit', 'production:development']);
	t.is(audited.code, 0, audited.stderr + audited.stdout);
	t.regex(
		audited.stdout,
		/^Audited development \(database t_\w+_dev\) against production \(database t_\w+_prod\) in [\d.]+ s: 471 documents read, \d+ personal values kept as digests \([\d.]+ KiB\); 471 documents scanned \(\d+ strings, 0 long numbers\)\.$/m,
	);
	t.regex(
		audited.stdout,
		/^No leak: none of production's personal values is in development, and no detector found personal data in a kept or unclassified path\.$/m,
	);

	const json = await project.monarch(['scrub_audit', 'production:development', '--json']);
	t.is(json.code, 0, json.stderr);
	const result = JSON.parse(json.stdout) as Record<string, any>;
	t.deepEqual(Object.keys(result).sort(), [
		'clean',
		'durationMs',
		'findings',
		'fingerprint',
		'leaks',
		'read',
		'scanned',
		'source',
		'sourceDatabase',
		'target',
		'targetDatabase',
	]);
	t.like(result, {
		source: 'production',
		target: 'development',
		clean: true,
		leaks: 0,
		findings: [],
		read: {collections: 4, documents: 471},
		scanned: {collections: 4, documents: 471},
	});
	// 300 emails, names, phones, streets, tax ids; 120 owner emails (the same emails), 120 notes; 100 IPs; 50 last4; detector hits in kept paths.
	t.true(result.read.digests >= 1000, `digests: ${result.read.digests}`);
	t.is(result.read.digestBytes % 8, 0);
	t.true(result.read.digestBytes <= result.read.digests * 32, 'at most 32 bytes a digest (the table grows at three quarters full)');
});

test('a planted leak: a source email in an unrelated field and a source phone in kept free text exit 1, named by path, masked, never the value', async t => {
	const {project} = await scrubProject(t);
	const copied = await project.monarch(['copy_db', 'production:development', '--scrub', '--yes'], {env: key});
	t.is(copied.code, 0, copied.stderr);
	const development = project.db('development');
	// products is kept whole: a supplier contact that is a customer's email (another case, spaces around).
	await development
		.collection<Loose>('products')
		.insertOne({_id: 2, title: 'a second product', supplier: ' Customer5@Shop.example', price: 4});
	// accounts.address.city is kept: a note holding customer 42's phone number, written as the source has it.
	await development
		.collection<Loose>('accounts')
		.updateOne({_id: 7} as Record<string, unknown>, {$set: {'address.city': 'Paris, call +33 6 12 34 0042 after 6'}});
	// An email no one in production has, in a kept path: a suspected leak.
	await development
		.collection<Loose>('products')
		.updateOne({_id: 1} as Record<string, unknown>, {$set: {title: 'write to someone@else.example'}});

	const audited = await project.monarch(['scrub_audit', 'production:development']);
	t.is(audited.code, 1, audited.stderr + audited.stdout);
	t.notRegex(audited.stderr, /Error/, 'a leak is the result, not an error');
	t.regex(audited.stdout, /^LEAKS in development: 2 values of production in 2 paths; 1 detector hit in 1 kept or unclassified path$/m);
	t.regex(audited.stdout, /^ {2}products\.supplier\s+source value \(email\)\s+1\s+1\s+collection keep\s+C\*\*\*@S\*\*\*\.example$/m);
	t.regex(audited.stdout, /^ {2}accounts\.address\.city\s+source value \(phone\)\s+1\s+1\s+keep\s+\+\*\* \* \*\* \*\* \*\*42$/m);
	t.regex(audited.stdout, /^ {2}products\.title\s+detected \(email\)\s+1\s+1\s+collection keep\s+s\*\*\*@e\*\*\*\.example$/m);
	assertNoRawValue(t, audited.stdout + audited.stderr);

	const json = await project.monarch(['scrub_audit', 'production:development', '--json']);
	t.is(json.code, 1, json.stderr);
	assertNoRawValue(t, json.stdout);
	const result = JSON.parse(json.stdout) as {clean: boolean; leaks: number; findings: Array<Record<string, unknown>>};
	t.false(result.clean);
	t.is(result.leaks, 3);
	t.deepEqual(result.findings, [
		{
			collection: 'accounts',
			path: 'address.city',
			finding: 'source-value',
			kind: 'phone',
			classification: 'keep',
			count: 1,
			documents: 1,
			examples: ['+** * ** ** **42'],
		},
		{
			collection: 'products',
			path: 'supplier',
			finding: 'source-value',
			kind: 'email',
			classification: 'collection keep',
			count: 1,
			documents: 1,
			examples: ['C***@S***.example'],
		},
		{
			collection: 'products',
			path: 'title',
			finding: 'detected',
			kind: 'email',
			classification: 'collection keep',
			count: 1,
			documents: 1,
			examples: ['s***@e***.example'],
		},
	]);
});

test('scrub.audit: true audits every scrubbed copy after it; a leak exits 1 and says the copy has happened', async t => {
	const {project} = await scrubProject(t, {scrub: {...rules, audit: true}});
	const copied = await project.monarch(['copy_db', 'production:development', '--scrub', '--yes'], {env: key});
	t.is(copied.code, 0, copied.stderr + copied.stdout);
	const lines = copied.stdout.split('\n');
	const copiedAt = lines.findIndex(line => line.startsWith('Copied production'));
	const auditedAt = lines.findIndex(line => line.startsWith('Audited development'));
	t.true(copiedAt >= 0 && auditedAt > copiedAt, copied.stdout);
	t.regex(copied.stdout, /^No leak: none of production's personal values is in development/m);

	const json = await project.monarch(['copy_db', 'production:development', '--scrub', '--yes', '--json'], {env: key});
	t.is(json.code, 0, json.stderr);
	t.like(JSON.parse(json.stdout).result.audit, {ran: true, result: {clean: true, leaks: 0}});

	// A reviewer kept campaigns.owner_email by mistake: the gate passes (every path is classified), the audit does not.
	const {project: careless} = await scrubProject(t, {scrub: {...rules, campaigns: {...rules.campaigns, owner_email: 'keep'}, audit: true}});
	const leaked = await careless.monarch(['copy_db', 'production:development', '--scrub', '--yes'], {env: key});
	t.is(leaked.code, 1, leaked.stderr + leaked.stdout);
	t.regex(leaked.stdout, /^Copied production \(database t_\w+_prod\) into development/m);
	t.regex(leaked.stdout, /^LEAKS in development: 120 values of production in 1 path$/m);
	t.regex(leaked.stdout, /^ {2}campaigns\.owner_email\s+source value \(email\)\s+120\s+120\s+keep\s+c\*\*\*@s\*\*\*\.example$/m);
	t.regex(
		leaked.stdout,
		/^The copy has happened: development now holds what is listed above\. Give each path a strategy in the scrub section and run the scrubbed copy again; if a faithful copy is what you want, say --no-scrub\.$/m,
	);
	t.is(await careless.db('development').collection('campaigns').countDocuments(), 120, 'the copy itself was made');
	t.notRegex(leaked.stdout, /customer\d+@shop\.example/);
});

test("restore --scrub under scrub.audit audits against the backup's environment", async t => {
	const {project} = await scrubProject(t, {scrub: {...rules, audit: true}});
	const backup = await project.monarch(['backup', 'production', '--json']);
	t.is(backup.code, 0, backup.stderr);
	const {archive} = JSON.parse(backup.stdout).result as {archive: string};
	const restored = await project.monarch(['restore', `${archive}:development`, '--scrub', '--yes'], {env: key});
	t.is(restored.code, 0, restored.stderr + restored.stdout);
	t.regex(restored.stdout, /^Audited development \(database t_\w+_dev\) against production/m);
	t.regex(restored.stdout, /^No leak: /m);
});

test('restore --file --scrub under scrub.audit audits against the archive file itself; a leak exits 1 as restore and copy_db do', async t => {
	// A reviewer kept campaigns.owner_email by mistake: the restore scrubs the rest, the audit finds the emails.
	const {project} = await scrubProject(t, {scrub: {...rules, campaigns: {...rules.campaigns, owner_email: 'keep'}, audit: true}});
	const backup = await project.monarch(['backup', 'production', '--json']);
	t.is(backup.code, 0, backup.stderr);
	const {archive} = JSON.parse(backup.stdout).result as {archive: string};
	const file = path.join('backups', archive);
	const leaked = await project.monarch(['restore', `${file}:development`, '--file', '--scrub', '--yes'], {env: key});
	t.is(leaked.code, 1, leaked.stderr + leaked.stdout);
	t.regex(leaked.stdout, /^Restored archive file .* into development/m);
	t.regex(
		leaked.stdout,
		new RegExp(`^Audited development \\(database t_\\w+_dev\\) against ${escapeRegExp(file)} \\(database t_\\w+_prod\\)`, 'm'),
	);
	t.regex(leaked.stdout, new RegExp(`^LEAKS in development: 120 values of ${escapeRegExp(file)} in 1 path$`, 'm'));
	t.regex(leaked.stdout, /^ {2}campaigns\.owner_email\s+source value \(email\)\s+120\s+120\s+keep\s+c\*\*\*@s\*\*\*\.example$/m);
	t.regex(leaked.stdout, /^The restore has happened: development now holds what is listed above\./m);
	t.notRegex(leaked.stdout, /customer\d+@shop\.example/);

	const json = await project.monarch(['restore', `${file}:development`, '--file', '--scrub', '--yes', '--json'], {env: key});
	t.is(json.code, 1, json.stderr);
	t.like(JSON.parse(json.stdout).result.audit, {ran: true, result: {clean: false, leaks: 120}});

	// With the complete classification, the same restore audits clean and exits 0.
	const {project: careful} = await scrubProject(t, {scrub: {...rules, audit: true}});
	const carefulBackup = await careful.monarch(['backup', 'production', '--json']);
	const carefulFile = path.join('backups', (JSON.parse(carefulBackup.stdout).result as {archive: string}).archive);
	const clean = await careful.monarch(['restore', `${carefulFile}:development`, '--file', '--scrub', '--yes'], {env: key});
	t.is(clean.code, 0, clean.stderr + clean.stdout);
	t.regex(clean.stdout, /^No leak: /m);
});

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test('bad arguments are one line, exit 2, before anything is read', async t => {
	const {project} = await scrubProject(t);
	for (const [args, message] of [
		[
			['scrub_audit', 'production'],
			/^Error: <source:target>: expected <source>:<target>, got "production" \(e\.g\. monarch scrub_audit production:development\)$/,
		],
		[['scrub_audit', 'production:nowhere'], /^Error: .*nowhere.*$/],
		[
			['scrub_audit', 'production:production'],
			/^Error: scrub_audit production:production: the source and the target are the same environment/,
		],
	] as const) {
		const result = await project.monarch([...args]);
		t.is(result.code, 2, result.stderr);
		t.is(result.stderr.trim().split('\n').length, 1, result.stderr);
		t.regex(result.stderr.trim(), message);
		t.is(result.stdout, '');
	}
});

test("the issue's leak case: a faithful copy audits as leaking, path by path; after scrub_suggest --write the scrubbed copy audits clean", async t => {
	const suffix = Math.random().toString(16).slice(2, 10);
	const project = await createProject(t, {
		environments: {production: {uri: testMongoUri(), database: `t_${suffix}_prod`, personalData: true}},
		config: {scrub: {accounts: {_id: 'keep', email: 'fake.email', name: 'fake.fullName'}}},
	});
	await project
		.db('production')
		.collection<Loose>('accounts')
		.insertMany(
			Array.from({length: 20}, (_, index) => ({
				_id: index,
				email: `jane${index}@shop.example`,
				name: `Jane Doe${index}`,
				ssn: `123-45-${String(6789 + index).padStart(4, '0')}`,
				notes: `call Jane at +1 555 0${100 + index}`,
				address: {street: `${index} Main Street`},
			})),
		);
	await project
		.db('production')
		.collection<Loose>('payments')
		.insertMany(Array.from({length: 12}, (_, index) => ({_id: index, card: '4111 1111 1111 1111', holder: `Jane Doe${index}`})));

	const faithful = await project.monarch(['copy_db', 'production:development', '--no-scrub', '--yes']);
	t.is(faithful.code, 0, faithful.stderr);
	const leaking = await project.monarch(['scrub_audit', 'production:development', '--json']);
	t.is(leaking.code, 1, leaking.stderr);
	const found = (JSON.parse(leaking.stdout) as {findings: Array<{collection: string; path: string; finding: string; kind: string}>})
		.findings;
	const named = new Set(found.map(finding => `${finding.collection}.${finding.path} ${finding.finding} ${finding.kind}`));
	// Detector hits in the source are digested too: each is a source value in the target, and a holder's name is accounts.name's.
	t.deepEqual([...named].sort(), [
		'accounts.email source-value email',
		'accounts.name source-value value',
		'accounts.notes source-value phone',
		'accounts.ssn source-value ssn',
		'payments.card source-value card',
		'payments.holder source-value value',
	]);
	t.false(leaking.stdout.includes('4111'), 'no card number in the output');

	const suggested = await project.monarch(['scrub_suggest', 'production', '--write']);
	t.is(suggested.code, 0, suggested.stderr);
	const copied = await project.monarch(['copy_db', 'production:development', '--scrub', '--yes'], {env: key});
	t.is(copied.code, 0, copied.stderr);
	const audited = await project.monarch(['scrub_audit', 'production:development']);
	t.is(audited.code, 0, audited.stdout);
	t.regex(audited.stdout, /^No leak: /m);
});

test('planted leaks in the shapes the byte scan treats apart are found: capitals, NFD accents, an email deep in a long text, a phone stored as a number', async t => {
	const {project} = await scrubProject(t);
	const copied = await project.monarch(['copy_db', 'production:development', '--scrub', '--yes'], {env: key});
	t.is(copied.code, 0, copied.stderr);
	// products is kept whole: each field holds one of production's personal values in another form.
	await project
		.db('development')
		.collection<Loose>('products')
		.insertOne({
			_id: 3,
			shouted: 'CUSTOMER NUMBER17',
			decomposed: '42 Rue Re\u0301elle',
			long: `${'lorem ipsum dolor sit amet '.repeat(60)}write to customer9@shop.example today`,
			dialled: 33_612_340_042,
		});
	const json = await project.monarch(['scrub_audit', 'production:development', '--json']);
	t.is(json.code, 1, json.stderr);
	const result = JSON.parse(json.stdout) as {findings: Array<{path: string; finding: string; kind: string; count: number}>};
	const byPath = new Map(result.findings.map(finding => [finding.path, finding]));
	t.like(byPath.get('shouted'), {finding: 'source-value', kind: 'value', count: 1});
	t.like(byPath.get('decomposed'), {finding: 'source-value', kind: 'value', count: 1});
	t.like(byPath.get('long'), {finding: 'source-value', kind: 'email', count: 1});
	t.like(byPath.get('dialled'), {finding: 'source-value', kind: 'value', count: 1});
	t.is(result.findings.length, 4, JSON.stringify(result.findings));
});
