/**
 * Backup, restore and copy_db throughput against the bench server, as ratios
 * of what the server itself can do on the same data in the same run:
 *
 * - drain ceiling: raw (`raw: true`) cursors over every collection, 4 at once, documents thrown away;
 * - insert ceiling: unordered insertMany of 1000 in-memory documents per batch, 4 collections at once;
 * - scrub_audit of a scrubbed copy made under a complete classification (every collection walked by
 *   the gate), beside the plain backup: it reads both databases whole, so its rate is given per
 *   document read (source and target) against backup's (the issue's target: at least that rate),
 *   per document of the dataset for reference, and against a bare raw drain of the same two
 *   databases right after it (the most the server allows);
 * - monarch backup, restore and copy_db, run as the built CLI (a child process), with its client
 *   CPU (user + sys of the whole process, every thread included: GNU time's %U and %S) per 100k
 *   documents, and its peak RSS (%M), at two dataset sizes to show memory does not grow with the data.
 *
 * Run through `npm run bench` (which starts the servers), or with MONARCH_TEST_MONGODB_URI set:
 * `npx tsx bench/backup.ts`. BENCH_BACKUP_DOCS sets the large dataset (default 200000; the small
 * one is a quarter of it). BENCH_BASELINE=<another build's dist/cli/main.js> runs that build too,
 * beside this one, on the same data in the same run (before and after a change).
 */
import {execFile} from 'node:child_process';
import {mkdtemp, readdir, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {type Db, MongoClient} from 'mongodb';
import {collections, datasetOf, eachLimited, load} from './dataset.js';

const run = promisify(execFile);
const uri = process.env.MONARCH_TEST_MONGODB_URI;
if (!uri) throw new Error('MONARCH_TEST_MONGODB_URI is not set: run `npm run bench`');
const largeSize = Number(process.env.BENCH_BACKUP_DOCS ?? 200_000);
const sizes = [Math.max(1000, Math.round(largeSize / 4)), largeSize];
const bin = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const baseline = process.env.BENCH_BASELINE ? path.resolve(process.env.BENCH_BASELINE) : undefined;
/** Client CPU seconds per 100k of these documents that mongo-tools 100.18 spent on this machine (issue 11): the targets. */
const mongoToolsCpu = {backup: 2.2, restore: 1.9, copy_db: 4.4};
const parallel = 4;
const batchSize = 1000;

type Row = {case: string; docs: number; ms: number; ratio?: number | undefined; rssMb?: number | undefined; cpuS?: number | undefined};
type Measured = {ms: number; rssMb: number; cpuS: number};

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

/** Runs a built monarch (this one unless `which` says the baseline); returns wall time, client CPU seconds (user + sys, all threads) and peak RSS (MB). */
async function monarch(dir: string, args: string[], env: NodeJS.ProcessEnv = {}, which = bin): Promise<Measured> {
	const started = performance.now();
	const {stderr} = await run('/usr/bin/time', ['-f', 'MAXRSS_KB=%M CPU_S=%U+%S', process.execPath, which, ...args], {
		cwd: dir,
		env: {...process.env, NO_COLOR: '1', ...env},
		maxBuffer: 64 * 1024 * 1024,
	});
	const ms = performance.now() - started;
	const match = /MAXRSS_KB=(\d+) CPU_S=([\d.]+)\+([\d.]+)/.exec(stderr);
	return {ms, rssMb: match ? Number(match[1]) / 1024 : Number.NaN, cpuS: match ? Number(match[2]) + Number(match[3]) : Number.NaN};
}

function printRows(title: string, rows: Row[]): void {
	const width = Math.max(...rows.map(row => row.case.length), 4);
	console.log(`\n${title}`);
	console.log(
		`  ${'case'.padEnd(width)}  ${'docs'.padStart(8)}  ${'ms'.padStart(9)}  ${'docs/s'.padStart(8)}  ${'ratio'.padStart(6)}  ${'CPU s/100k'.padStart(10)}  ${'peak RSS'.padStart(9)}`,
	);
	for (const row of rows) {
		const rate = (row.docs * 1000) / row.ms;
		console.log(
			`  ${row.case.padEnd(width)}  ${String(row.docs).padStart(8)}  ${row.ms.toFixed(0).padStart(9)}  ${rate.toFixed(0).padStart(8)}  ${row.ratio === undefined ? '     -' : row.ratio.toFixed(2).padStart(6)}  ${row.cpuS === undefined ? '         -' : ((row.cpuS * 100_000) / row.docs).toFixed(2).padStart(10)}  ${row.rssMb === undefined ? '        -' : `${row.rssMb.toFixed(0)} MB`.padStart(9)}`,
		);
	}
}

const client = new MongoClient(uri);
await client.connect();
const dir = await mkdtemp(path.join(tmpdir(), 'monarch-bench-backup-'));
const databases = {
	source: `bench_backup_src_${process.pid}`,
	target: `bench_backup_dst_${process.pid}`,
	ceiling: `bench_backup_ins_${process.pid}`,
};
await writeFile(
	path.join(dir, 'monarch.json'),
	JSON.stringify({
		// `personal` is the same database marked personalData: its scrubbed copies go through the classification's gate.
		environments: {
			source: {uri, database: databases.source},
			personal: {uri, database: databases.source, personalData: true},
			target: {uri, database: databases.target},
		},
		backups: {local: {dir: 'backups'}},
		// A complete classification: rules on two of the five collections (users.email is under a unique index, so its
		// fakes carry a discriminator), every other path kept, so the gate walks every document of all five.
		scrub: Object.fromEntries(
			collections.map(name => {
				const kept = Object.fromEntries(
					['_id', 'n', 'name', 'email', 'score', 'active', 'tags', 'address', 'at', 'note'].map(field => [field, 'keep']),
				);
				if (name === 'users') return [name, {...kept, email: 'fake.email', name: 'fake.fullName'}];
				if (name === 'orders') return [name, {...kept, address: 'keep', email: 'fake.email', 'address.street': 'fake.street'}];
				return [name, kept];
			}),
		),
	}),
);

/** The source as personal data under a classification that scrubs every name, email and street, for scrub_audit of a clean copy. */
const auditDir = await mkdtemp(path.join(tmpdir(), 'monarch-bench-audit-'));
const complete = {
	_id: 'keep',
	n: 'keep',
	name: 'fake.fullName',
	email: 'fake.email',
	score: 'keep',
	active: 'keep',
	tags: 'keep',
	'address.street': 'fake.street',
	'address.city': 'keep',
	'address.zip': 'keep',
	at: 'keep',
	note: 'keep',
};
await writeFile(
	path.join(auditDir, 'monarch.json'),
	JSON.stringify({
		environments: {source: {uri, database: databases.source, personalData: true}, target: {uri, database: databases.target}},
		scrub: Object.fromEntries(collections.map(name => [name, complete])),
	}),
);
const scrubEnv = {MONARCH_SCRUB_KEY: 'bench-scrub-key-0123456789abcdef'};

const summary: string[] = [];
/** Client CPU seconds per build at the previous size, for the cost of each further 100k documents (start-up excluded). */
const cpuBySize = new Map<string, {docs: number; backup: number; restore: number; copy: number}>();
const marginal: string[] = [];
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

		const builds: Array<[string, string]> = [['monarch', bin], ...(baseline ? [['baseline', baseline] as [string, string]] : [])];
		const drainRate = docs / drained.ms;
		const insertRate = docs / insertMs;
		const rate = (ms: number) => docs / ms;
		const rows: Row[] = [
			{case: 'ceiling: raw cursor drain (4 collections at once)', docs, ms: drained.ms, ratio: 1},
			{case: 'ceiling: unordered insertMany, 1000/batch (4 at once)', docs, ms: insertMs, ratio: 1},
		];
		for (const [label, which] of builds) {
			const name = `bench_${label}_${size}`;
			const backup = await monarch(dir, ['backup', 'source', '--name', name], {}, which);
			const archive = (await readdir(path.join(dir, 'backups'))).find(
				file => file.startsWith(`${name}__`) && file.endsWith('.archive.gz'),
			)!;
			const restore = await monarch(dir, ['restore', `${archive}:target`, '--yes'], {}, which);
			const copy = await monarch(dir, ['copy_db', 'source:target', '--yes'], {}, which);
			const scrubbed = await monarch(dir, ['copy_db', 'source:target', '--yes', '--scrub'], scrubEnv, which);
			const gated = await monarch(dir, ['copy_db', 'personal:target', '--yes', '--scrub'], scrubEnv, which);
			// The audit's target: a scrubbed copy under auditDir's classification, which scrubs every email (the gated copy above keeps
			// the emails of three collections, which users.email also holds: the audit would rightly report them).
			await monarch(auditDir, ['copy_db', 'source:target', '--yes', '--scrub'], scrubEnv, which);
			// Exits 1 (and the bench fails) on any finding: the scrubbed copy must audit clean.
			const audit = await monarch(auditDir, ['scrub_audit', 'source:target'], {}, which);
			// What the audit reads, drained bare right after it: the source, then the target (its scrubbed copy).
			const sourceDrain = await drain(client.db(databases.source));
			const targetDrain = await drain(client.db(databases.target));
			const bothDrained = sourceDrain.ms + targetDrain.ms;
			rows.push(
				{
					case: `${label} backup (vs drain)`,
					docs,
					ms: backup.ms,
					ratio: rate(backup.ms) / drainRate,
					rssMb: backup.rssMb,
					cpuS: backup.cpuS,
				},
				{
					case: `${label} restore (vs insert)`,
					docs,
					ms: restore.ms,
					ratio: rate(restore.ms) / insertRate,
					rssMb: restore.rssMb,
					cpuS: restore.cpuS,
				},
				{
					case: '  (vs insert + the same index builds, for reference)',
					docs,
					ms: restore.ms,
					ratio: rate(restore.ms) / (docs / (insertMs + indexMs)),
				},
				{
					case: `${label} copy_db (vs slower ceiling)`,
					docs,
					ms: copy.ms,
					ratio: rate(copy.ms) / Math.min(drainRate, insertRate),
					rssMb: copy.rssMb,
					cpuS: copy.cpuS,
				},
				{
					case: `${label} copy_db --scrub, 2 of 5 collections (vs copy_db)`,
					docs,
					ms: scrubbed.ms,
					ratio: copy.ms / scrubbed.ms,
					rssMb: scrubbed.rssMb,
					cpuS: scrubbed.cpuS,
				},
				{
					case: `${label} copy_db --scrub, personalData: 5 of 5 walked by the gate (vs copy_db)`,
					docs,
					ms: gated.ms,
					ratio: copy.ms / gated.ms,
					rssMb: gated.rssMb,
					cpuS: gated.cpuS,
				},
				// The audit reads every document twice (the source, then the target): its rate per document read, and per document of the dataset.
				{
					case: `${label} scrub_audit source:target, per document read (vs backup)`,
					docs: docs * 2,
					ms: audit.ms,
					ratio: (2 * backup.ms) / audit.ms,
					rssMb: audit.rssMb,
					cpuS: audit.cpuS,
				},
				{case: '  (per document of the dataset, for reference)', docs, ms: audit.ms, ratio: backup.ms / audit.ms},
				{case: '  ceiling: raw cursor drain of the source, then the target', docs: docs * 2, ms: bothDrained, ratio: 1},
				{case: '  scrub_audit vs that drain (what FerretDB allows)', docs: docs * 2, ms: audit.ms, ratio: bothDrained / audit.ms},
			);
			summary.push(
				`${label}, ${docs} docs: peak RSS backup ${backup.rssMb.toFixed(0)} MB, restore ${restore.rssMb.toFixed(0)} MB, copy_db ${copy.rssMb.toFixed(0)} MB, copy_db --scrub ${scrubbed.rssMb.toFixed(0)} MB, gated ${gated.rssMb.toFixed(0)} MB, scrub_audit ${audit.rssMb.toFixed(0)} MB`,
			);
			const previous = cpuBySize.get(label);
			if (previous) {
				const per = (now: number, then: number) => (((now - then) * 100_000) / (docs - previous.docs)).toFixed(2);
				marginal.push(
					`${label}, from ${previous.docs} to ${docs} docs: backup ${per(backup.cpuS, previous.backup)} s, restore ${per(restore.cpuS, previous.restore)} s, copy_db ${per(copy.cpuS, previous.copy)} s`,
				);
			}

			cpuBySize.set(label, {docs, backup: backup.cpuS, restore: restore.cpuS, copy: copy.cpuS});
		}

		printRows(`backup / restore / copy_db, ${docs} documents in ${collections.length} collections (2 indexes each), one run`, rows);
	}

	console.log(`\npeak RSS by dataset size (target: at most 200 MB, flat)\n${summary.map(line => `  ${line}`).join('\n')}`);
	console.log(
		`\nclient CPU seconds per further 100k documents (the difference between the two sizes, so start-up is left out)\n${marginal.map(line => `  ${line}`).join('\n')}`,
	);
	console.log(
		'targets: backup >= 0.90 of drain, restore >= 0.85 of insert, copy_db >= 0.80 of the slower ceiling, copy_db --scrub >= 0.60 of copy_db with its peak RSS, gated (personalData, every collection walked) >= 0.80 of copy_db with its peak RSS;',
	);
	console.log('  scrub_audit >= 1.00 of backup per document read (it reads each document twice: source, then target);');
	console.log(
		`  client CPU per 100k at or below mongo-tools 100.18's on this machine: backup ${mongoToolsCpu.backup} s, restore ${mongoToolsCpu.restore} s, copy_db ${mongoToolsCpu.copy_db} s; peak RSS at most 200 MB, flat`,
	);
} finally {
	for (const database of Object.values(databases))
		await client
			.db(database)
			.dropDatabase()
			.catch(() => {});
	await client.close();
	await rm(dir, {recursive: true, force: true});
	await rm(auditDir, {recursive: true, force: true});
}
