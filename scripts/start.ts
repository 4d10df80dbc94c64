/**
 * `npm start`: builds monarch, finds or starts a MongoDB for the sample shop,
 * seeds it once, and runs monarch on it: the TUI on a terminal, otherwise
 * `list_environments` and `list_migrations development`. Arguments after
 * `--` run that command instead: `npm start -- migrate development`.
 */
import {spawn} from 'node:child_process';
import path from 'node:path';
import {ensureServerBinaries} from './servers/binaries.js';
import {ping, startMongo, type MongoService} from './servers/mongodb.js';
import {cacheDir, logDir, repoRoot} from './servers/paths.js';
import {readRunningServices} from './servers/running.js';
import {seedSample} from './sample/seed.js';

const log = (line: string) => process.stderr.write(`start: ${line}\n`);

async function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
	const child = spawn(command, args, {cwd: repoRoot, env, stdio: 'inherit'});
	// Ctrl+C reaches the child through the terminal; the TUI decides what it means.
	const ignore = () => {};
	process.on('SIGINT', ignore);
	try {
		return await new Promise<number>((resolve, reject) => {
			child.once('error', reject);
			child.once('exit', (code, signal) => resolve(code ?? (signal ? 130 : 1)));
		});
	} finally {
		process.off('SIGINT', ignore);
	}
}

/** The first MongoDB that answers: $MONARCH_MONGODB_URI, `npm run services`, localhost:27017, or our own FerretDB. */
async function findMongo(): Promise<{uri: string; server?: MongoService}> {
	const candidates = [process.env.MONARCH_MONGODB_URI, (await readRunningServices())?.mongodbUri, 'mongodb://127.0.0.1:27017/'];
	for (const uri of candidates) {
		if (!uri) continue;
		try {
			await ping(uri, 1000);
			return {uri};
		} catch {}
	}

	log('no MongoDB answered; starting FerretDB for the sample (data kept in .cache/sample-data)');
	const binaries = await ensureServerBinaries({ferretdb: true, versitygw: false, log});
	const server = await startMongo({
		choice: 'ferretdb',
		ferretdbBinary: binaries.ferretdb,
		logFile: name => path.join(logDir, `${name}-start-${process.pid}.log`),
		timeoutMs: 30_000,
		dataDir: path.join(cacheDir, '..', 'sample-data'),
	});
	return {uri: server.uri, server};
}

async function main(): Promise<number> {
	const built = await run(path.join(repoRoot, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json']);
	if (built !== 0) return built;
	const {uri, server} = await findMongo();
	try {
		const seeded = await seedSample(uri, ['shop_development', 'shop']);
		log(`MongoDB at ${uri}${seeded.length > 0 ? `; seeded the sample shop into ${seeded.join(' and ')}` : ''}`);
		const env = {...process.env, MONARCH_MONGODB_URI: uri, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'};
		const monarch = (args: string[]) => run(process.execPath, [path.join(repoRoot, 'dist', 'cli', 'main.js'), ...args], env);
		const args = process.argv.slice(2);
		if (args.length > 0) return await monarch(args);
		if (process.stdin.isTTY && process.stdout.isTTY) return await monarch([]);
		const listed = await monarch(['list_environments']);
		return listed === 0 ? await monarch(['list_migrations', 'development']) : listed;
	} finally {
		await server?.stop();
	}
}

try {
	process.exitCode = await main();
} catch (error) {
	log(error instanceof Error ? error.message : String(error));
	process.exitCode = 1;
}

process.exit();
