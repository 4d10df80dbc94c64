/**
 * `monarch references suggest <env>` on the reference-graph dataset
 * (test/helpers/reference-graph.ts), on the real test server: every declared
 * reference a name or ObjectIds can show is proposed with its target, none of
 * the look-alikes is, and `--write` adds the new ones keeping the user's file.
 */
import {writeFileSync} from 'node:fs';
import {readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {loadConfig} from '../../source/core/config/load.js';
import {suggestReferences} from '../../source/core/subset/suggest-references.js';
import type {ReferencesSuggestResult} from '../../source/core/subset/suggested-reference.js';
import {snapshot} from '../helpers/backup-data.js';
import {createProject, testMongoUri} from '../helpers/project.js';
import {declaredReferences, lookAlikes, seedReferenceGraph, undiscoverableReferences} from '../helpers/reference-graph.js';

/** A monarch.json as a user writes it: tabs, `references` between other sections, entries of their own. */
function userConfig(environments: Record<string, unknown>, references: Record<string, string>): string {
	return `{
\t"environments": ${JSON.stringify(environments, null, '\t').replace(/\n/g, '\n\t')},
\t"references": ${JSON.stringify(references, null, '\t').replace(/\n/g, '\n\t')},
\t"lock": {"leaseSeconds": 2, "waitSeconds": 20}
}
`;
}

async function graphProject(t: Parameters<typeof createProject>[0], references: Record<string, string> = {}) {
	const production = {uri: testMongoUri(), database: `t_${Math.random().toString(16).slice(2, 10)}_prod`};
	const project = await createProject(t, {environments: {production}});
	const text = userConfig({development: {uri: testMongoUri(), database: project.databases.development}, production}, references);
	await writeFile(path.join(project.dir, 'monarch.json'), text);
	await seedReferenceGraph(project.db('production'));
	return {project, text, file: path.join(project.dir, 'monarch.json')};
}

/** The proposals as `path -> target`. */
function proposals(result: ReferencesSuggestResult): Record<string, string | null> {
	return Object.fromEntries(result.proposed.map(reference => [reference.path, reference.target]));
}

const discoverable = Object.fromEntries(Object.entries(declaredReferences).filter(([entry]) => !undiscoverableReferences.includes(entry)));

test('references suggest proposes every declared reference a name or ObjectIds show, none of the look-alikes, and writes nothing', async t => {
	const {project, text, file} = await graphProject(t);
	const before = await snapshot(project.db('production'));
	const json = await project.monarch(['references', 'suggest', 'production', '--json']);
	t.is(json.code, 0, json.stderr);
	const result = JSON.parse(json.stdout) as ReferencesSuggestResult;
	t.deepEqual(proposals(result), discoverable);
	for (const path of lookAlikes) t.false(path in proposals(result), path);
	t.deepEqual(result.declaredOnly, []);

	const byPath = new Map([...result.proposed, ...result.rejected].map(reference => [reference.path, reference]));
	// Dangling references in the source lower the share, and stay proposed.
	t.like(byPath.get('events.campaign_id'), {by: 'name', values: 63, reason: 'named like campaigns', current: null});
	t.is(byPath.get('events.campaign_id')?.found, 60 / 63);
	t.like(byPath.get('accounts.owner'), {by: 'objectId', found: 19 / 20, values: 20, reason: 'ObjectIds found only in users._id'});
	t.like(byPath.get('orders.coupon_ids[]'), {by: 'name', found: 1, target: 'coupons._id'});
	t.like(byPath.get('users.accountId'), {by: 'name', found: 1, reason: 'named like accounts'});
	t.like(byPath.get('products.category_id'), {by: 'name', reason: 'named like categories'});
	t.like(byPath.get('orders.box_id'), {by: 'name', reason: 'named like boxes'});
	// The look-alikes: each looked at and said why not, but order_number, which no name or type makes a candidate.
	t.like(byPath.get('accounts.status_id'), {
		target: 'statuses._id',
		found: 0,
		values: 3,
		reason: 'named like statuses, but only 0% of its values are found there',
	});
	t.like(byPath.get('accounts.external_id'), {target: null, values: 20, reason: 'ObjectIds found in no collection'});
	t.like(byPath.get('notes.subject'), {
		target: null,
		reason: 'ObjectIds found in 2 collections (campaign_drafts._id 100%, campaigns._id 100%)',
	});
	t.false(byPath.has('orders.order_number'));
	t.false(byPath.has('orders.items[].sku'), 'a reference to a field other than _id is not found');

	const shown = await project.monarch(['references', 'suggest', 'production', '--sample', '500']);
	t.is(shown.code, 0, shown.stderr);
	t.regex(shown.stdout, /^ {2}PATH +TARGET +FOUND +VALUES +MONARCH\.JSON +REASON$/m);
	t.regex(shown.stdout, /^ {2}events\.campaign_id +campaigns\._id +95% +63 +new +named like campaigns$/m);
	t.regex(shown.stdout, /^ {2}accounts\.status_id +statuses\._id +0% +3 +named like statuses, but only 0% of its values are found there$/m);
	t.regex(
		shown.stdout,
		/^9 references proposed in production \(9 new; samples of up to 500 documents, proposed from 80% of values found\); nothing written: --write adds the new ones to monarch\.json$/m,
	);
	t.regex(shown.stdout, /never found from names: declare it by hand\.$/m);
	t.log(shown.stdout);

	t.is(await readFile(file, 'utf8'), text);
	t.deepEqual(await snapshot(project.db('production')), before);

	const unknown = await project.monarch(['references', 'suggest', 'prod']);
	t.is(unknown.code, 2);
	t.regex(unknown.stderr, /prod/);
	const bad = await project.monarch(['references', 'suggest', 'production', '--sample', 'lots']);
	t.is(bad.code, 2);
	t.regex(bad.stderr, /--sample: expected a whole number from 1 to 1000000, got "lots"/);
});

test("--write adds the new references after the user's, keeps the file's formatting and entries, and a second run adds nothing", async t => {
	const mine = {
		'orders.items[].sku': 'products.sku',
		'campaigns.account_id': 'accounts._id',
		// The user's own answer for a path the data suggests otherwise: kept.
		'products.category_id': 'categories.title',
	};
	const {project, text, file} = await graphProject(t, mine);
	const written = await project.monarch(['references', 'suggest', 'production', '--write']);
	t.is(written.code, 0, written.stderr);
	t.regex(written.stdout, /^ {2}campaigns\.account_id +accounts\._id +100% +20 +declared +named like accounts$/m);
	t.regex(written.stdout, /^ {2}products\.category_id +categories\._id +100% +5 +declared: categories\.title +named like categories$/m);
	t.regex(written.stdout, /; added 7 references to monarch\.json: review the diff$/m);
	t.regex(written.stdout, /^Declared in monarch\.json, not found from the data: orders\.items\[\]\.sku → products\.sku$/m);

	const after = await readFile(file, 'utf8');
	let position = 0;
	for (const line of text.split('\n').filter(line => line !== '\t}' && !line.includes('categories.title'))) {
		const found = after.indexOf(line, position);
		t.not(found, -1, `kept, in order: ${line}`);
		position = found;
	}

	t.false(/^ +"/m.test(after), 'no line indented with spaces');
	const references = (JSON.parse(after) as {references: Record<string, string>}).references;
	t.deepEqual(Object.keys(references).slice(0, 3), Object.keys(mine), "the user's entries first, in their order");
	t.deepEqual(references, {...discoverable, ...mine});

	const again = await project.monarch(['references', 'suggest', 'production', '--write']);
	t.is(again.code, 0, again.stderr);
	t.regex(again.stdout, /^9 references proposed in production \(0 new; .*\); nothing to add to monarch\.json$/m);
	t.is(await readFile(file, 'utf8'), after, 'idempotent');
});

test('--write refuses, writing nothing, when monarch.json changed while the sample was read', async t => {
	const {project, file} = await graphProject(t);
	const config = await loadConfig({cwd: project.dir});
	let edited = false;
	const error = await t.throwsAsync(
		suggestReferences({
			config,
			environment: 'production',
			write: true,
			events(event) {
				// The user saves the file while the first collection is read.
				if (event.type === 'progress' && !edited) {
					edited = true;
					writeFileSync(file, '{"environments": {}}\n');
				}
			},
		}),
	);
	t.is(error?.message, 'monarch.json changed while references suggest ran; nothing written');
	t.is(await readFile(file, 'utf8'), '{"environments": {}}\n');
});

test("a bad entry of monarch.json's references is one line naming it, before anything is read", async t => {
	const {project, file} = await graphProject(t);
	const text = await readFile(file, 'utf8');
	await writeFile(file, text.replace('"references": {}', '"references": {"campaigns": "accounts._id"}'));
	const bad = await project.monarch(['references', 'suggest', 'production']);
	t.is(bad.code, 2);
	t.is(bad.stderr.trim().split('\n').length, 1, bad.stderr);
	t.regex(bad.stderr, /references\.campaigns/);
});
