/**
 * Backup, restore and copy_db throughput against the bench server, as ratios
 * of what the server itself can do on the same data in the same run:
 *
 * - drain ceiling: raw (`raw: true`) cursors over every collection, 4 at once, documents thrown away;
 * - insert ceiling: unordered insertMany of 1000 in-memory documents per batch, 4 collections at once;
 * - monarch backup, restore and copy_db, run as the built CLI (a child process), with its peak RSS
 *   (GNU time's %M) at two dataset sizes to show memory does not grow with the data.
 *
 * Run through `npm run bench` (which starts the servers), or with MONARCH_TEST_MONGODB_URI set:
 * `npx tsx bench/backup.ts`. BENCH_BACKUP_DOCS sets the large dataset (default 200000; the small
 * one is a quarter of it).
 */
import {execFile} from 'node:child_process';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {MongoClient, type Db} from 'mongodb';
import {collections, datasetOf, eachLimited, load} from './dataset.js';

const run = promisify(execFile);
const uri = process.env.MONARCH_TEST_MONGODB_URI;
if (!uri) throw new Error('MONARCH_TEST_MONGODB_URI is not set: run `npm run bench`');
const largeSize = Number(process.env.BENCH_BACKUP_DOCS ?? 200_000);
const sizes = [Math.max(1000, Math.round(largeSize / 4)), largeSize];
const bin = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const parallel = 4;
const batchSize = 1000;

type Row = {case: string; docs: number; ms: number; ratio?: number | undefined; rssMb?: number | undefined};

/** Drains every collection with raw cursors (the backup ceiling). */
async function drain(db: Db): Promise<{ms: number; docs: number}> {
	let docs = 0;
	const started = performance.now();
	await eachLimited(collections, parallel, async name => {
		const cursor = db.collection(name).find({}, {raw: true, batchSize});
		while (await cursor.hasNext()) docs += cursor.readBufferedDocuments().length;
		await cursor.close();
	});
	return {ms: performance.now() - started, docs};
}

/** Runs the built monarch; returns wall time and peak RSS (MB). */
async function monarch(dir: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ms: number; rssMb: number}> {
	const started = performance.now();
	const {stderr} = await run('/usr/bin/time', ['-f', 'MAXRSS_KB=%M', process.execPath, bin, ...args], {
		cwd: dir,
		env: {...process.env, NO_COLOR: '1', ...env},
		maxBuffer: 64 * 1024 * 1024,
	});
	const ms = performance.now() - started;
	const match = /MAXRSS_KB=(\d+)/.exec(stderr);
	return {ms, rssMb: match ? Number(match[1]) / 1024 : Number.NaN};
}

function printRows(title: string, rows: Row[]): void {
	const width = Math.max(...rows.map(row => row.case.length), 4);
	console.log(`\n${title}`);
	console.log(`  ${'case'.padEnd(width)}  ${'docs'.padStart(8)}  ${'ms'.padStart(9)}  ${'docs/s'.padStart(8)}  ${'ratio'.padStart(6)}  ${'peak RSS'.padStart(9)}`);
	for (const row of rows) {
		const rate = (row.docs * 1000) / row.ms;
		console.log(
			`  ${row.case.padEnd(width)}  ${String(row.docs).padStart(8)}  ${row.ms.toFixed(0).padStart(9)}  ${rate.toFixed(0).padStart(8)}  ${row.ratio === undefined ? '     -' : row.ratio.toFixed(2).padStart(6)}  ${row.rssMb === undefined ? '        -' : `${row.rssMb.toFixed(0)} MB`.padStart(9)}`,
		);
	}
}

const client = new MongoClient(uri);
await client.connect();
const dir = await mkdtemp(path.join(tmpdir(), 'monarch-bench-backup-'));
const databases = {source: `bench_backup_src_${process.pid}`, target: `bench_backup_dst_${process.pid}`, ceiling: `bench_backup_ins_${process.pid}`};
await writeFile(
	path.join(dir, 'monarch.json'),
	JSON.stringify({
		environments: {source: {uri, database: databases.source}, target: {uri, database: databases.target}},
		backups: {local: {dir: 'backups'}},
		// Rules on two of the five collections (users.email is under a unique index, so its fakes carry a discriminator).
		scrub: {users: {email: 'fake.email', name: 'fake.fullName'}, orders: {email: 'fake.email', 'address.street': 'fake.street'}},
	}),
);

const summary: string[] = [];
try {
	for (const size of sizes) {
		for (const database of Object.values(databases)) await client.db(database).dropDatabase();
		const dataset = datasetOf(size);
		const docs = [...dataset.values()].reduce((sum, list) => sum + list.length, 0);
		await load(client.db(databases.source), dataset);
		const {insertMs, indexMs} = await load(client.db(databases.ceiling), dataset);
		await client.db(databases.ceiling).dropDatabase();
		const drained = await drain(client.db(databases.source));
		if (drained.docs !== docs) throw new Error(`drained ${drained.docs} documents of ${docs}`);

		const name = `bench_${size}`;
		const backup = await monarch(dir, ['backup', 'source', '--name', name]);
		const archive = (await import('node:fs/promises')).readdir(path.join(dir, 'backups')).then(files => files.find(file => file.startsWith(`${name}__`) && file.endsWith('.archive.gz'))!);
		const restore = await monarch(dir, ['restore', `${await archive}:target`, '--yes']);
		const copy = await monarch(dir, ['copy_db', 'source:target', '--yes']);
		const scrubbed = await monarch(dir, ['copy_db', 'source:target', '--yes', '--scrub'], {MONARCH_SCRUB_KEY: 'bench-scrub-key-0123456789abcdef'});

		const drainRate = docs / drained.ms;
		const insertRate = docs / insertMs;
		const rate = (ms: number) => docs / ms;
		const rows: Row[] = [
			{case: 'ceiling: raw cursor drain (4 collections at once)', docs, ms: drained.ms, ratio: 1},
			{case: 'ceiling: unordered insertMany, 1000/batch (4 at once)', docs, ms: insertMs, ratio: 1},
			{case: 'monarch backup (vs drain)', docs, ms: backup.ms, ratio: rate(backup.ms) / drainRate, rssMb: backup.rssMb},
			{case: 'monarch restore (vs insert)', docs, ms: restore.ms, ratio: rate(restore.ms) / insertRate, rssMb: restore.rssMb},
			{case: '  (vs insert + the same index builds, for reference)', docs, ms: restore.ms, ratio: rate(restore.ms) / (docs / (insertMs + indexMs))},
			{case: 'monarch copy_db (vs slower ceiling)', docs, ms: copy.ms, ratio: rate(copy.ms) / Math.min(drainRate, insertRate), rssMb: copy.rssMb},
			{case: 'monarch copy_db --scrub, 2 of 5 collections (vs copy_db)', docs, ms: scrubbed.ms, ratio: copy.ms / scrubbed.ms, rssMb: scrubbed.rssMb},
		];
		printRows(`backup / restore / copy_db, ${docs} documents in ${collections.length} collections (2 indexes each), one run`, rows);
		summary.push(`${docs} docs: peak RSS backup ${backup.rssMb.toFixed(0)} MB, restore ${restore.rssMb.toFixed(0)} MB, copy_db ${copy.rssMb.toFixed(0)} MB, copy_db --scrub ${scrubbed.rssMb.toFixed(0)} MB`);
	}

	console.log(`\npeak RSS by dataset size (targets: under 256 MB, flat)\n${summary.map(line => `  ${line}`).join('\n')}`);
	console.log('targets: backup >= 0.90 of drain, restore >= 0.85 of insert, copy_db >= 0.80 of the slower ceiling, copy_db --scrub >= 0.60 of copy_db with its peak RSS');
} finally {
	for (const database of Object.values(databases)) await client.db(database).dropDatabase().catch(() => {});
	await client.close();
	await rm(dir, {recursive: true, force: true});
}
