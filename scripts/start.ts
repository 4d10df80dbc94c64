/**
 * `npm start`: builds monarch (unless dist/ was built from the files there are now), finds or starts a MongoDB for the sample shop,
 * seeds it once, and runs monarch on it: the TUI on a terminal, otherwise
 * `list_environments` and `list_migrations development`. Arguments after
 * `--` run that command instead: `npm start -- migrate development`.
 */
import {spawn} from 'node:child_process';
import path from 'node:path';
import {redactUri} from '../source/core/redact.js';
import {buildMonarch} from './build.js';
import {findMongo} from './sample/find-mongo.js';
import {seedSample} from './sample/seed.js';
import {logDir, repoRoot, sampleDataDir} from './servers/paths.js';
import {readRunningServices, removeServicesFile} from './servers/running.js';

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

async function main(): Promise<number> {
	const built = await buildMonarch({ifChanged: true});
	if (built !== 0) return built;
	const {uri, server} = await findMongo({
		explicitUri: process.env.MONARCH_MONGODB_URI,
		async servicesUri() {
			const services = await readRunningServices();
			if (!services) await removeServicesFile(); // left behind by an `npm run services` that is gone
			return services?.mongodbUri;
		},
		dataDir: sampleDataDir,
		logFile: name => path.join(logDir, `${name}-start-${process.pid}.log`),
		log,
	});
	try {
		const seeded = await seedSample(uri, ['shop_development', 'shop']);
		log(`MongoDB at ${redactUri(uri)}${seeded.seeded.length > 0 ? `; seeded the sample shop into ${seeded.seeded.join(' and ')}` : ''}`);
		for (const database of seeded.foreign) log(`${database} already holds collections that are not the sample's; left as they are`);
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
	log(redactUri((error instanceof Error ? error.message : String(error)).split('\n')[0]!));
	process.exitCode = 1;
}

process.exit();
