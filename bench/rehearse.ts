/**
 * `monarch rehearse` against what it saves: the same work run by hand, i.e.
 * `monarch copy_db source:target --yes` then `monarch migrate target`, on the
 * same data in the same run. The data is the backup bench's dataset
 * (BENCH_BACKUP_DOCS, default 200000 documents in 5 collections, 2 indexes
 * each). Two cases, each with one pending migration: an updateMany setting a
 * field on every document of one collection, and a createIndex on one
 * collection (whose cost is small, so the rehearsal's own work shows: it
 * hashes every document of the copy before and after the migration).
 *
 * On FerretDB v1 (SQLite) an updateMany slows down with the collection's size for every
 * document it updates: measured, all 1000 users in 6.5 s, but only 2328 of 40000 in 17 min, so the 200k dataset would
 * run for hours. There (read from `buildInfo`) the updateMany case has 20000 documents
 * unless BENCH_REHEARSE_DOCS says otherwise; on MongoDB it has BENCH_BACKUP_DOCS.
 *
 * Run through `npm run bench -- rehearse` (which starts the servers), or with
 * MONARCH_TEST_MONGODB_URI set: `npx tsx bench/rehearse.ts`.
 */
import {execFile} from 'node:child_process';
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {MongoClient} from 'mongodb';
import type {RehearsalReport} from '../source/core/rehearse/report.js';
import {collections, datasetOf, load} from './dataset.js';
import {printTable} from './table.js';

const run = promisify(execFile);
const uri = process.env.MONARCH_TEST_MONGODB_URI;
if (!uri) throw new Error('MONARCH_TEST_MONGODB_URI is not set: run `npm run bench`');
const bin = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

/** Runs the built monarch; returns its wall time and stdout. */
async function monarch(dir: string, args: string[]): Promise<{ms: number; stdout: string}> {
	const started = performance.now();
	const {stdout} = await run(process.execPath, [bin, ...args], {
		cwd: dir,
		env: {...process.env, NO_COLOR: '1'},
		maxBuffer: 64 * 1024 * 1024,
	});
	return {ms: performance.now() - started, stdout};
}

const migrations = {
	updateMany:
		"\t\tconst result = await this.database.collection('users').updateMany({}, {$set: {flagged: true}});\n\t\tthis.log(`flagged ${result.modifiedCount}`);",
	createIndex: "\t\tawait this.database.collection('users').createIndex({name: 1}, {name: 'name_1'});",
};

/** Times `monarch rehearse source` and `copy_db source:target` + `migrate target` on `size` documents, with one migration of that kind. */
async function compare(client: MongoClient, size: number, kind: keyof typeof migrations): Promise<void> {
	const dir = await mkdtemp(path.join(tmpdir(), 'monarch-bench-rehearse-'));
	const databases = {source: `bench_rehearse_src_${process.pid}`, target: `bench_rehearse_dst_${process.pid}`};
	await mkdir(path.join(dir, 'migrations'));
	await writeFile(
		path.join(dir, 'monarch.json'),
		JSON.stringify({
			environments: {source: {uri, database: databases.source}, target: {uri, database: databases.target}},
			rehearsal: {environment: 'target'},
		}),
	);
	await writeFile(
		path.join(dir, 'migrations', '20260101000000_step.ts'),
		`import {MongoBackedMigration} from 'monarch';\nexport default class Step extends MongoBackedMigration {\n\tasync run() {\n${migrations[kind]}\n\t}\n}\n`,
	);

	let scratch: string | undefined;
	try {
		for (const database of Object.values(databases)) await client.db(database).dropDatabase();
		const dataset = datasetOf(size);
		const docs = [...dataset.values()].reduce((sum, list) => sum + list.length, 0);
		await load(client.db(databases.source), dataset);

		const rehearsal = await monarch(dir, ['rehearse', 'source', '--json']);
		const report = JSON.parse(rehearsal.stdout) as RehearsalReport;
		scratch = report.scratch.database;
		if (!report.verdict.passed) throw new Error(`the rehearsal failed: ${report.verdict.line}`);
		const users = report.collections.find(change => change.name === 'users');
		const expected = kind === 'updateMany' ? users?.changed === docs / collections.length : users?.indexesAdded.join() === 'name_1';
		if (!expected) throw new Error(`the rehearsal did not see the migration's effect on users: ${JSON.stringify(users)}`);

		const copy = await monarch(dir, ['copy_db', 'source:target', '--yes']);
		const migrate = await monarch(dir, ['migrate', 'target']);
		const byHand = copy.ms + migrate.ms;
		const migrationMs = report.migrations[0]?.durationMs ?? 0;
		const rest = rehearsal.ms - report.copyMs - migrationMs;
		printTable(
			`rehearse vs copy_db + migrate by hand, ${docs} documents in ${collections.length} collections (2 indexes each), one ${kind} migration, one run`,
			[
				{case: 'by hand: monarch copy_db source:target --yes', ms: copy.ms, ratio: copy.ms / byHand},
				{case: 'by hand: monarch migrate target', ms: migrate.ms, ratio: migrate.ms / byHand},
				{case: 'by hand: both (baseline)', ms: byHand, ratio: 1},
				{case: 'monarch rehearse source', ms: rehearsal.ms, ratio: rehearsal.ms / byHand},
				{case: '  of which the copy (report.copyMs)', ms: report.copyMs, ratio: report.copyMs / byHand},
				{case: '  of which the migration (its durationMs)', ms: migrationMs, ratio: migrationMs / byHand},
				{case: '  the rest: hashing before and after, start-up, drop', ms: rest, ratio: rest / byHand},
			],
		);
	} finally {
		for (const database of [...Object.values(databases), ...(scratch ? [scratch] : [])])
			await client
				.db(database)
				.dropDatabase()
				.catch(() => {});
		await rm(dir, {recursive: true, force: true});
	}
}

const client = new MongoClient(uri);
await client.connect();
try {
	const ferretdb = (await client.db('admin').command({buildInfo: 1})).ferretdbVersion !== undefined;
	const large = Number(process.env.BENCH_BACKUP_DOCS ?? 200_000);
	const updated = Number(process.env.BENCH_REHEARSE_DOCS ?? (ferretdb ? 20_000 : large));
	if (ferretdb && process.env.BENCH_REHEARSE_DOCS === undefined) {
		console.log(
			`rehearse bench: FerretDB, whose updateMany slows down with the collection's size for every document: the updateMany case has ${updated} documents (BENCH_REHEARSE_DOCS sets it)`,
		);
	}

	await compare(client, updated, 'updateMany');
	await compare(client, large, 'createIndex');
} finally {
	await client.close();
}
