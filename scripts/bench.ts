/**
 * `npm run bench`: builds monarch, starts the servers as `npm test` does, and
 * runs every bench/*.ts (or those named: `npm run bench -- startup`), each
 * printing a table of figures with ratios.
 */
import {spawn} from 'node:child_process';
import {readdir} from 'node:fs/promises';
import path from 'node:path';
import {buildMonarch} from './build.js';
import {servicesEnv, startServices} from './servers/index.js';
import {repoRoot} from './servers/paths.js';

/** Files of bench/ that other benches import, not benches themselves. */
const helpers = new Set(['table.ts', 'dataset.ts']);

async function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
	const child = spawn(command, args, {cwd: repoRoot, env, stdio: 'inherit'});
	return new Promise((resolve, reject) => {
		child.once('error', reject);
		child.once('exit', (code, signal) => resolve(code ?? (signal ? 130 : 1)));
	});
}

async function main(): Promise<number> {
	const bin = (name: string) => path.join(repoRoot, 'node_modules', '.bin', name);
	const built = await buildMonarch();
	if (built !== 0) return built;
	const wanted = process.argv.slice(2);
	const benches = (await readdir(path.join(repoRoot, 'bench')))
		.filter(name => name.endsWith('.ts') && !helpers.has(name))
		.filter(name => wanted.length === 0 || wanted.includes(name.replace(/\.ts$/, '')))
		.sort();
	const services = await startServices({handleSignals: true});
	const env = servicesEnv(services);
	console.log(`bench: ${services.mongodbFlavor} at ${services.mongodbUri}; ${benches.join(', ')}`);
	let failed = 0;
	try {
		for (const bench of benches) {
			const code = await run(bin('tsx'), [path.join('bench', bench)], env);
			if (code !== 0) {
				console.error(`bench: ${bench} exited ${code}`);
				failed = code;
			}
		}
	} finally {
		await services.stop();
	}

	return failed;
}

process.exitCode = await main();
process.exit();
