import {type ChildProcess, execFile, spawn} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import type {ExecutionContext} from 'ava';
import {type Db, MongoClient} from 'mongodb';

const run = promisify(execFile);

/** The built command line, as users run it. */
export const monarchBin = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** The MongoDB server the test script started (or MONARCH_TEST_MONGODB_URI). */
export function testMongoUri(): string {
	const uri = process.env.MONARCH_TEST_MONGODB_URI;
	if (!uri) throw new Error('MONARCH_TEST_MONGODB_URI is not set: run the tests with `npm test`, which starts the servers');
	return uri;
}

export type ProjectOptions = {
	/** Extra environments, or overrides; `development` is always there on the test server. */
	environments?: Record<string, Record<string, unknown>>;
	migrations?: Record<string, string>;
	config?: Record<string, unknown>;
	/** Fixes the time monarch dates its backups with (MONARCH_NOW), so names never depend on today. */
	now?: string;
	/** The server of `development` and of `client` (default: the test server), e.g. a test's own from own-server.ts. */
	uri?: string;
};

export type Project = {
	dir: string;
	/** The database of each environment by name. */
	databases: Record<string, string>;
	client: MongoClient;
	db: (environment?: string) => Db;
	writeMigration: (fileName: string, source: string) => Promise<string>;
	writeConfig: (config: Record<string, unknown>) => Promise<void>;
	/** Runs the built `monarch` in the project folder, with no stdin. */
	monarch: (args: string[], options?: {env?: NodeJS.ProcessEnv}) => Promise<{code: number; stdout: string; stderr: string}>;
	/** Starts `monarch` and returns the child, for kill tests. */
	spawnMonarch: (args: string[], options?: {env?: NodeJS.ProcessEnv}) => ChildProcess;
};

/** A temporary project folder whose environments use fresh databases on the test server, all removed after the test. */
export async function createProject(t: ExecutionContext, options: ProjectOptions = {}): Promise<Project> {
	const dir = await mkdtemp(path.join(tmpdir(), 'monarch-test-'));
	const suffix = randomBytes(4).toString('hex');
	const uri = options.uri ?? testMongoUri();
	const environments: Record<string, Record<string, unknown>> = {
		development: {uri, database: `t_${suffix}_dev`},
		...options.environments,
	};
	const databases = Object.fromEntries(Object.entries(environments).map(([name, entry]) => [name, String(entry.database)]));
	const client = new MongoClient(uri);
	await client.connect();

	const writeConfig = async (config: Record<string, unknown>) => {
		await writeFile(path.join(dir, 'monarch.json'), JSON.stringify(config, null, 2));
	};

	await mkdir(path.join(dir, 'migrations'));
	await mkdir(path.join(dir, 'querysets'));
	await writeConfig({environments, lock: {leaseSeconds: 2, waitSeconds: 20}, ...options.config});
	const writeMigration = async (fileName: string, source: string) => {
		const file = path.join(dir, 'migrations', fileName);
		await writeFile(file, source);
		return file;
	};

	for (const [fileName, source] of Object.entries(options.migrations ?? {})) await writeMigration(fileName, source);

	t.teardown(async () => {
		for (const database of Object.values(databases))
			await client
				.db(database)
				.dropDatabase()
				.catch(() => {});
		await client.close();
		await rm(dir, {recursive: true, force: true});
	});

	const childEnv = (extra?: NodeJS.ProcessEnv) => ({
		...process.env,
		NO_COLOR: '1',
		MONARCH_CONNECT_TIMEOUT_MS: '3000',
		...(options.now ? {MONARCH_NOW: options.now} : {}),
		...extra,
	});
	return {
		dir,
		databases,
		client,
		db: (environment = 'development') => client.db(databases[environment] ?? environment),
		writeMigration,
		writeConfig,
		async monarch(args, runOptions = {}) {
			try {
				const {stdout, stderr} = await run(process.execPath, [monarchBin, ...args], {
					cwd: dir,
					env: childEnv(runOptions.env),
					timeout: 240_000 /* a bound for a hung run, below ava's 5 min; never a pace */,
				});
				return {code: 0, stdout, stderr};
			} catch (error) {
				const failed = error as {code?: number; stdout?: string; stderr?: string};
				return {code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? ''};
			}
		},
		spawnMonarch(args, spawnOptions = {}) {
			return spawn(process.execPath, [monarchBin, ...args], {cwd: dir, env: childEnv(spawnOptions.env), stdio: ['ignore', 'pipe', 'pipe']});
		},
	};
}

/** A migration's source that runs `body` inside `run()`. */
export function migrationSource(className: string, body: string): string {
	return `import {MongoBackedMigration} from 'monarch';

export default class ${className} extends MongoBackedMigration {
	async run() {
${body}
	}
}
`;
}
