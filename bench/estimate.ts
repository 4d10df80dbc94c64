/**
 * How close `migrate`'s estimate comes to the run it estimates: a rehearsal
 * on a QuerySet's tenth of production, then `migrate production` through the
 * gate, whose plan scales the rehearsal's durations by production's documents
 * over the copy's (rehearse/evidence.ts `estimateRun`). The migration's work
 * grows with the documents and nothing else: every item read and digested
 * (400 rounds of sha256), one summary written (writes per document would
 * measure FerretDB v1's quirks: its updates by `_id` scan the collection).
 * Target: the estimate within a factor of 2 of the run (0.5 to 2).
 *
 * Measured here, not in the tests: it compares two timings, which the load of
 * a shared machine moves apart (the tests check the estimate's arithmetic).
 * BENCH_ESTIMATE_DOCS sets production's documents (default 5000).
 *
 * Run through `npm run bench -- estimate` (which starts the servers).
 */
import {execFile} from 'node:child_process';
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {MongoClient} from 'mongodb';
import type {MigratePlan} from '../source/core/rehearse/plan.js';
import type {RehearsalReport} from '../source/core/rehearse/report.js';
import {printTable} from './table.js';

const run = promisify(execFile);
const uri = process.env.MONARCH_TEST_MONGODB_URI;
if (!uri) throw new Error('MONARCH_TEST_MONGODB_URI is not set: run `npm run bench`');
const bin = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const documents = Number(process.env.BENCH_ESTIMATE_DOCS ?? 5000);

async function monarch(dir: string, args: string[]): Promise<string> {
	const {stdout} = await run(process.execPath, [bin, ...args], {
		cwd: dir,
		env: {...process.env, NO_COLOR: '1'},
		maxBuffer: 64 * 1024 * 1024,
	});
	return stdout;
}

const migration = `import {MongoBackedMigration} from 'monarch';
export default class DigestEach extends MongoBackedMigration {
	async run() {
		const {createHash} = await import('node:crypto');
		let digest = '';
		for await (const item of this.database.collection('items').find({})) {
			digest = String(item._id);
			for (let round = 0; round < 400; round++) digest = createHash('sha256').update(digest).digest('hex');
		}
		await this.database.collection('digests').insertOne({_id: 'items', digest});
	}
}
`;
const tenth = `import {QuerySet} from 'monarch';
export default class TenthQuerySet extends QuerySet {
	async run() {
		await this.dumpCollection('items', {group: 0});
	}
}
`;

const dir = await mkdtemp(path.join(tmpdir(), 'monarch-bench-estimate-'));
const databases = {production: `bench_estimate_prod_${process.pid}`, development: `bench_estimate_dev_${process.pid}`};
const client = new MongoClient(uri);
await client.connect();
try {
	await mkdir(path.join(dir, 'migrations'));
	await mkdir(path.join(dir, 'querysets'));
	await writeFile(
		path.join(dir, 'monarch.json'),
		JSON.stringify({
			environments: {
				production: {uri, database: databases.production, protected: true, migrate: {requireRehearsal: {within: '24h', querySet: true}}},
				development: {uri, database: databases.development},
			},
			rehearsal: {environment: 'development'},
			backups: {local: {dir: 'backups'}},
		}),
	);
	await writeFile(path.join(dir, 'migrations', '20261201000000_digest_each.ts'), migration);
	await writeFile(path.join(dir, 'querysets', 'tenth.ts'), tenth);
	await client
		.db(databases.production)
		.collection('items')
		.insertMany(Array.from({length: documents}, (_, index) => ({_id: index as never, group: index % 10})));

	const report = JSON.parse(await monarch(dir, ['rehearse', 'production', '-q', 'TenthQuerySet', '--json'])) as RehearsalReport;
	if (!report.verdict.passed) throw new Error(`the rehearsal failed: ${report.verdict.line}`);
	const plan = JSON.parse(await monarch(dir, ['migrate', 'production', '--plan', '--json'])) as MigratePlan;
	if (!plan.estimate) throw new Error('the plan gave no estimate');
	await monarch(dir, ['migrate', 'production', '--yes']);
	const entry = await client.db(databases.production).collection('monarch_migrations').findOne({});
	const actual = Number(entry?.durationMs);
	const {rehearsedMs, estimatedMs, copyDocuments, targetDocuments} = plan.estimate;
	printTable(
		`migrate's estimate from a QuerySet's rehearsal (${copyDocuments} of ${targetDocuments} documents), beside the run it estimates; target: ratio 0.5 to 2`,
		[
			{case: 'the run on production (its durationMs)', ms: actual, ratio: 1},
			{case: `the rehearsal's migration on ${copyDocuments} documents`, ms: rehearsedMs, ratio: rehearsedMs / actual},
			{case: `the estimate (x ${targetDocuments}/${copyDocuments})`, ms: estimatedMs, ratio: estimatedMs / actual},
		],
	);
} finally {
	for (const database of Object.values(databases)) await client.db(database).dropDatabase();
	await client.close();
	await rm(dir, {recursive: true, force: true});
}
