/**
 * `migrate`'s estimate on a dataset where the rehearsal's copy is a
 * QuerySet's tenth of production: the rehearsal's stored durations scaled by
 * production's documents over the copy's, exactly, in the plan and in the
 * run's log; the run records the rehearsal it relied on. How close the
 * estimate comes to the run is a timing, measured in `npm run bench --
 * estimate` (target: within a factor of 2), never asserted here.
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
\t\t\tfor (let round = 0; round < 40; round++) digest = createHash('sha256').update(digest).digest('hex');
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

test("the estimate from a QuerySet's tenth of production is the rehearsal's durations times 10, and the run records that rehearsal", async t => {
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

	const rehearsedMs = report.migrations.reduce((sum, migration) => sum + (migration.durationMs ?? 0), 0);
	t.true(rehearsedMs > 0);
	t.is(estimate.rehearsedMs, rehearsedMs, "the stored report's durations");
	t.is(estimate.estimatedMs, Math.round((rehearsedMs * 5000) / 500), 'scaled by 5000 / 500');

	const ran = await project.monarch(['migrate', 'production', '--yes']);
	t.is(ran.code, 0, ran.stderr);
	const entry = await project.db('production').collection<Loose>('monarch_migrations').findOne({});
	t.is(entry!.state, 'Completed');
	t.regex(`${ran.stdout}${ran.stderr}`, /Estimated ~.+ on production \(.+ on the copy's 500 documents; 5,000 there now\)/);
	t.is(entry!.rehearsal, report.id, 'the run records the rehearsal it relied on');
	t.log(
		`rehearsed ${rehearsedMs} ms on 500 documents; estimated ${estimate.estimatedMs} ms; ran ${String(entry!.durationMs)} ms (not compared: see bench/estimate.ts)`,
	);
});
