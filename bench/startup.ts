/**
 * Start-up time of `monarch list_migrations development` in a project with
 * 200 migration files (all completed), against the bench server.
 * Run through `npm run bench`, which starts the servers.
 */
import {execFileSync} from 'node:child_process';
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {MongoClient} from 'mongodb';
import {printTable, median} from './table.js';

const uri = process.env.MONARCH_TEST_MONGODB_URI;
if (!uri) throw new Error('MONARCH_TEST_MONGODB_URI is not set: run `npm run bench`');
const count = Number(process.env.BENCH_MIGRATIONS ?? 200);
const runs = Number(process.env.BENCH_RUNS ?? 7);
const bin = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

const dir = await mkdtemp(path.join(tmpdir(), 'monarch-bench-'));
const database = `bench_startup_${process.pid}`;
await mkdir(path.join(dir, 'migrations'));
await writeFile(path.join(dir, 'monarch.json'), JSON.stringify({environments: {development: {uri, database}}}));
for (let index = 0; index < count; index++) {
	const key = `2026${String(index).padStart(10, '0')}_step_${index}`;
	await writeFile(
		path.join(dir, 'migrations', `${key}.ts`),
		`import {MongoBackedMigration} from 'monarch';\nexport default class Step${index}Migration extends MongoBackedMigration {\n\tasync run() {\n\t\tawait this.database.collection('steps').insertOne({step: ${index}});\n\t}\n}\n`,
	);
}

const time = (args: string[]) => {
	const started = performance.now();
	execFileSync(process.execPath, args, {cwd: dir, stdio: 'pipe', env: {...process.env, NO_COLOR: '1'}});
	return performance.now() - started;
};

const migrateMs = time([bin, 'migrate', 'development']);
const samples = (args: string[]) => median(Array.from({length: runs}, () => time(args)));
const node = samples(['-e', '0']);
const version = samples([bin, '--version']);
const list = samples([bin, 'list_migrations', 'development']);

printTable(`start-up, ${count} migrations (median of ${runs} runs)`, [
	{case: 'node -e 0 (baseline)', ms: node, ratio: 1},
	{case: 'monarch --version', ms: version, ratio: version / node},
	{case: `monarch list_migrations development`, ms: list, ratio: list / node},
	{case: `monarch migrate development (${count} migrations, once)`, ms: migrateMs, ratio: migrateMs / node},
]);

const client = new MongoClient(uri);
await client.db(database).dropDatabase();
await client.close();
await rm(dir, {recursive: true, force: true});
