/**
 * `migrate`'s estimate (the rehearsal's durations scaled by the environment's
 * documents over the copy's) on a dataset where the rehearsal's copy is a
 * QuerySet's tenth of production: within a factor of 2 of the real run. Alone
 * in its file (and so run by itself), so no other test of the file loads the
 * machine during one of the two runs it compares.
 */
import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import type {MigratePlan} from '../source/core/rehearse/plan.js';
import type {RehearsalReport} from '../source/core/rehearse/report.js';
import type {Loose} from './helpers/backup-data.js';
import {gatedProject} from './helpers/gated-project.js';
import {migrationSource} from './helpers/project.js';

/**
 * A migration whose work grows with the documents and nothing else: every item read and digested (400 rounds of
 * sha256), one summary written. (Writes per document would measure FerretDB's quirks instead: its updates by `_id`
 * scan the collection, and inserts into a freshly swapped collection cost more than into an old one.)
 */
const digestEach = migrationSource(
	'DigestEach',
	`\t\tconst {createHash} = await import('node:crypto');
\t\tlet digest = '';
\t\tfor await (const item of this.database.collection('items').find({})) {
\t\t\tdigest = String(item._id);
\t\t\tfor (let round = 0; round < 400; round++) digest = createHash('sha256').update(digest).digest('hex');
\t\t}
\t\tawait this.database.collection('digests').insertOne({_id: 'items', digest});`,
);
const tenthQuerySet = `import {QuerySet} from 'monarch';

export default class TenthQuerySet extends QuerySet {
	async run() {
		await this.dumpCollection('items', {group: 0});
	}
}
`;

test("the estimate from a QuerySet's tenth of production is within a factor of 2 of the run on production", async t => {
	const project = await gatedProject(t, {
		requireRehearsal: {within: '24h', querySet: true},
		migrations: {'20261201000000_digest_each.ts': digestEach},
	});
	await writeFile(path.join(project.dir, 'querysets', 'tenth.ts'), tenthQuerySet);
	const items = project.db('production').collection<Loose>('items');
	await items.insertMany(Array.from({length: 5000}, (_, index) => ({_id: index, group: index % 10})));

	const rehearsed = await project.monarch(['rehearse', 'production', '-q', 'TenthQuerySet', '--json']);
	t.is(rehearsed.code, 0, rehearsed.stderr);
	const report = JSON.parse(rehearsed.stdout) as RehearsalReport;
	t.true(report.verdict.passed);
	t.is(report.copied.documents, 500);
	const planned = await project.monarch(['migrate', 'production', '--plan', '--json']);
	t.is(planned.code, 0, planned.stderr);
	const estimate = (JSON.parse(planned.stdout) as MigratePlan).estimate!;
	t.like(estimate, {copyDocuments: 500, targetDocuments: 5000});

	const ran = await project.monarch(['migrate', 'production', '--yes']);
	t.is(ran.code, 0, ran.stderr);
	const entry = await project.db('production').collection<Loose>('monarch_migrations').findOne({});
	const actual = entry!.durationMs as number;
	const ratio = estimate.estimatedMs / actual;
	t.log(
		`rehearsed ${estimate.rehearsedMs} ms on 500 documents; estimated ${estimate.estimatedMs} ms; ran ${actual} ms (ratio ${ratio.toFixed(2)})`,
	);
	t.true(ratio >= 0.5 && ratio <= 2, `estimate ${estimate.estimatedMs} ms, actual ${actual} ms`);
	t.is(entry!.rehearsal, report.id);
});
