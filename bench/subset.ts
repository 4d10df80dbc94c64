/**
 * `copy_db --subset` beside the whole copy, on the backup bench's dataset
 * (bench/dataset.ts: five collections of one shape): `orders`, `events` and
 * `sessions` reference `users` by `n` (monarch.json's `references`), so
 * `--subset users:10% --subset-only` copies a tenth of users and everything
 * that references them, and leaves out `products`. Both run as the built CLI
 * (a child process) with their wall time and peak RSS (GNU time's %M).
 * Targets (printed as met or missed): the subset copy takes at most 0.35 of
 * the whole copy's time, with a peak RSS within the whole copy's.
 *
 * Beside them, the floor, measured in the same run by this process with raw
 * cursors (batches of 1000, as the closure reads): the scans any subset of
 * this dataset needs, `users` and then the three that reference it at once
 * (the closure's order: their rules need the users kept), first with a
 * filter that matches nothing (the server's scan alone, nothing returned),
 * then returning every document raw (what a copy's closure must receive:
 * it keeps the documents as it reads them). The table shows each row's share
 * of the whole copy, so how far monarch is above the floor.
 *
 * BENCH_SUBSET_DOCS sets the dataset (default 200000; e.g. 1000000 for the
 * 1M figure); BENCH_SUBSET_SPILL=1 also runs the subset with every set
 * spilled to the target's server (MONARCH_SUBSET_MEMORY_KEYS=0);
 * BENCH_SUBSET_ALONE=1 runs the subset copy only. A row also runs the subset
 * with its kept documents written to the spill database and read back
 * (MONARCH_SUBSET_MEMORY_BYTES=0) instead of held in memory, side by side.
 */
import {execFile} from 'node:child_process';
import {mkdtemp, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {type Db, type Document, MongoClient} from 'mongodb';
import {collections, datasetOf, load} from './dataset.js';

const run = promisify(execFile);
const uri = process.env.MONARCH_TEST_MONGODB_URI;
if (!uri) throw new Error('MONARCH_TEST_MONGODB_URI is not set: run `npm run bench -- subset`');
const size = Number(process.env.BENCH_SUBSET_DOCS ?? 200_000);
const bin = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

type Measured = {ms: number; rssMb: number; stdout: string};

async function monarch(dir: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Measured> {
	const started = performance.now();
	const {stdout, stderr} = await run('/usr/bin/time', ['-f', 'MAXRSS_KB=%M', process.execPath, bin, ...args], {
		cwd: dir,
		env: {...process.env, NO_COLOR: '1', ...env},
		maxBuffer: 64 * 1024 * 1024,
	});
	const ms = performance.now() - started;
	const match = /MAXRSS_KB=(\d+)/.exec(stderr);
	return {ms, rssMb: match ? Number(match[1]) / 1024 : Number.NaN, stdout};
}

/** Referenced, and referencing it: the collections a subset of `users` must scan, in the closure's waves. */
const waves = [['users'], ['orders', 'events', 'sessions']];

/** Scans `waves` (each wave's collections at once, raw, batches of 1000) with `filter`; the time, and the documents returned. */
async function scanFloor(db: Db, filter: Document): Promise<Measured & {documents: number}> {
	const started = performance.now();
	let documents = 0;
	for (const wave of waves) {
		await Promise.all(
			wave.map(async name => {
				const cursor = db.collection(name).find(filter, {raw: true, batchSize: 1000});
				while (await cursor.hasNext()) documents += cursor.readBufferedDocuments().length;
				await cursor.close();
			}),
		);
	}

	return {ms: performance.now() - started, rssMb: Number.NaN, stdout: '', documents};
}

const client = new MongoClient(uri);
await client.connect();
const dir = await mkdtemp(path.join(tmpdir(), 'monarch-bench-subset-'));
const databases = {source: `bench_subset_src_${process.pid}`, target: `bench_subset_dst_${process.pid}`};
await writeFile(
	path.join(dir, 'monarch.json'),
	JSON.stringify({
		environments: {source: {uri, database: databases.source}, target: {uri, database: databases.target}},
		references: {'orders.n': 'users.n', 'events.n': 'users.n', 'sessions.n': 'users.n'},
	}),
);

try {
	for (const database of Object.values(databases)) await client.db(database).dropDatabase();
	const dataset = datasetOf(size);
	const docs = [...dataset.values()].reduce((sum, list) => sum + list.length, 0);
	await load(client.db(databases.source), dataset);
	const subsetArgs = ['copy_db', 'source:target', '--yes', '--subset', 'users:10%', '--subset-only', '--json'];
	// BENCH_SUBSET_ALONE=1: the subset copy only (its peak RSS at a size whose whole copy is too long to wait for).
	const alone = process.env.BENCH_SUBSET_ALONE === '1';
	const skipped: Measured = {ms: Number.NaN, rssMb: Number.NaN, stdout: ''};
	const whole = alone ? skipped : await monarch(dir, ['copy_db', 'source:target', '--yes']);
	const estimate = alone
		? skipped
		: await monarch(dir, ['copy_db', 'source:target', '--subset', 'users:10%', '--subset-only', '--estimate']);
	const scanned = alone ? {...skipped, documents: 0} : await scanFloor(client.db(databases.source), {n: {$lt: -1}});
	const received = alone ? {...skipped, documents: 0} : await scanFloor(client.db(databases.source), {});
	const subset = await monarch(dir, subsetArgs);
	const copied = (JSON.parse(subset.stdout) as {result: {subset: {documents: number}}}).result.subset.documents;
	const rows: Array<[string, number, Measured]> = [
		['copy_db (whole)', docs, whole],
		['copy_db --subset users:10% --subset-only', copied, subset],
		['  its --estimate alone (the closure, nothing copied)', copied, estimate],
		['floor: the 4 scans, nothing returned', 0, scanned],
		['floor: the 4 scans, every document returned raw', received.documents, received],
	];
	// The kept documents through the spill database instead of memory (before 2026-12-07, always).
	if (!alone)
		rows.push([
			'  the same, its documents via the spill database',
			copied,
			await monarch(dir, subsetArgs, {MONARCH_SUBSET_MEMORY_BYTES: '0'}),
		]);
	if (process.env.BENCH_SUBSET_SPILL === '1')
		rows.push([
			'  the same, every set spilled to the target',
			copied,
			await monarch(dir, subsetArgs, {MONARCH_SUBSET_MEMORY_KEYS: '0', MONARCH_SUBSET_MEMORY_BYTES: '0'}),
		]);
	console.log(
		`\ncopy_db whole and a 10% subset, ${docs} documents in ${collections.length} collections (users and the three that reference it by n)`,
	);
	console.log(`  ${'case'.padEnd(46)}  ${'docs'.padStart(8)}  ${'ms'.padStart(8)}  ${'of whole'.padStart(8)}  ${'peak RSS'.padStart(9)}`);
	for (const [name, count, measured] of rows.filter(([, , measured]) => !Number.isNaN(measured.ms))) {
		const rss = Number.isNaN(measured.rssMb) ? '-' : `${measured.rssMb.toFixed(0)} MB`;
		console.log(
			`  ${name.padEnd(46)}  ${String(count).padStart(8)}  ${measured.ms.toFixed(0).padStart(8)}  ${(measured.ms / whole.ms).toFixed(2).padStart(8)}  ${rss.padStart(9)}`,
		);
	}

	if (!alone) {
		const share = (measured: Measured) => (measured.ms / whole.ms).toFixed(2);
		const time = subset.ms <= 0.35 * whole.ms ? 'met' : 'missed';
		const memory = subset.rssMb <= whole.rssMb ? 'met' : 'missed';
		console.log(`targets: the subset at most 0.35 of the whole copy's time (${time}), its peak RSS within the whole copy's (${memory})`);
		console.log(
			`floor: the subset takes ${share(subset)} of the whole copy; the server's scans alone take ${share(scanned)} (${scanned.ms <= 0.35 * whole.ms ? 'under' : 'over'} the 0.35 target), returning the documents ${share(received)}; monarch is ${((subset.ms - received.ms) / 1000).toFixed(1)} s above the reading floor`,
		);
	}
} finally {
	for (const database of Object.values(databases)) await client.db(database).dropDatabase();
	await client.close();
}
