/**
 * Start-up time: the TUI's first frame (launch to the panels on screen, in a
 * 100x30 tmux pane on the sample project at the repository's root, by
 * `monarch` and by a second `npm start`), and
 * `monarch list_migrations development` in a project with 200 migration files
 * (all completed), against the bench server, beside `node -e 0`.
 * Run through `npm run bench -- startup`, which builds and starts the servers.
 */
import {execFileSync} from 'node:child_process';
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {setTimeout as delay} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import {MongoClient} from 'mongodb';
import {median, printTable} from './table.js';

const uri = process.env.MONARCH_TEST_MONGODB_URI;
if (!uri) throw new Error('MONARCH_TEST_MONGODB_URI is not set: run `npm run bench`');
const count = Number(process.env.BENCH_MIGRATIONS ?? 200);
const runs = Number(process.env.BENCH_RUNS ?? 7);
const bin = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * Milliseconds from launching `monarch` (no arguments, CI=false so Ink draws
 * every frame) in a 100x30 tmux pane in the sample project to the first
 * screen showing the tab row and the environments panel's rows. The pane is
 * respawned for each run, so tmux's own start is not counted; the screen is
 * polled as fast as tmux answers (a few ms).
 */
async function firstFrameSamples(command: string): Promise<number[]> {
	const socket = `monarch-bench-${process.pid}`;
	const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], {encoding: 'utf8'});
	tmux('new-session', '-d', '-s', 'bench', '-x', '100', '-y', '30', '-c', repoRoot, 'sleep 600');
	const samples: number[] = [];
	try {
		for (let run = 0; run < runs; run++) {
			const started = performance.now();
			tmux('respawn-pane', '-k', '-t', 'bench', `env CI=false MONARCH_MONGODB_URI='${uri}' ${command}; sleep 600`);
			for (;;) {
				const screen = tmux('capture-pane', '-p', '-t', 'bench');
				if (screen.includes('1 Environments') && screen.includes('production')) break;
				if (performance.now() - started > 30_000) throw new Error(`no first frame after 30 s:\n${screen}`);
			}

			samples.push(performance.now() - started);
			tmux('respawn-pane', '-k', '-t', 'bench', 'sleep 600');
			await delay(200); // let the killed monarch go before the next launch
		}
	} finally {
		tmux('kill-server');
	}

	return samples;
}

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
const frames = await firstFrameSamples(`'${process.execPath}' '${bin}'`);
const frame = median(frames);
// `npm start` on a built tree (the build was just made): the digest check, the server found, the sample seeded once, then monarch.
const npmFrames = await firstFrameSamples('npm start --silent');
const npmFrame = median(npmFrames);

printTable(`start-up, ${count} migrations (median of ${runs} runs)`, [
	{case: 'node -e 0 (baseline)', ms: node, ratio: 1},
	{case: 'monarch --version', ms: version, ratio: version / node},
	{case: 'monarch (TUI): first frame with the panels, tmux 100x30', ms: frame, ratio: frame / node},
	{case: 'npm start, dist already built: the same first frame (target: 2 s)', ms: npmFrame, ratio: npmFrame / node},
	{case: `monarch list_migrations development`, ms: list, ratio: list / node},
	{case: `monarch migrate development (${count} migrations, once)`, ms: migrateMs, ratio: migrateMs / node},
]);

console.log(`  first frame, each run (ms): ${frames.map(ms => ms.toFixed(0)).join(' ')}`);
console.log(`  npm start's first frame, each run (ms): ${npmFrames.map(ms => ms.toFixed(0)).join(' ')}`);

const client = new MongoClient(uri);
await client.db(database).dropDatabase();
await client.close();
await rm(dir, {recursive: true, force: true});
