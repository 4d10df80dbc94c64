import {execFile} from 'node:child_process';
import {mkdtemp, readdir, readFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import test from 'ava';
import {monarchBin} from './helpers/project.js';

const run = promisify(execFile);

async function monarch(args: string[], cwd: string) {
	try {
		const {stdout, stderr} = await run(process.execPath, [monarchBin, ...args], {cwd, env: {...process.env, NO_COLOR: '1'}});
		return {code: 0, stdout, stderr};
	} catch (error) {
		const failed = error as {code: number; stdout: string; stderr: string};
		return {code: failed.code, stdout: failed.stdout, stderr: failed.stderr};
	}
}

test('--help lists every command; each command has its own help with an example', async t => {
	const dir = await mkdtemp(path.join(tmpdir(), 'monarch-cli-'));
	const help = await monarch(['--help'], dir);
	t.is(help.code, 0);
	for (const command of ['init', 'list_environments', 'generate', 'list_migrations', 'migrate', 'migrate_one', 'drop_db']) {
		t.regex(help.stdout, new RegExp(`\\n  ${command}\\b`));
	}

	const migrateHelp = await monarch(['migrate', '--help'], dir);
	t.is(migrateHelp.code, 0);
	t.regex(migrateHelp.stdout, /Usage: monarch migrate \[options\] <env>/);
	t.regex(migrateHelp.stdout, /monarch migrate production --yes/);
});

test('without arguments and without a terminal, monarch prints the help and exits 2', async t => {
	const dir = await mkdtemp(path.join(tmpdir(), 'monarch-cli-'));
	const result = await monarch([], dir);
	t.is(result.code, 2);
	t.regex(result.stderr, /Usage: monarch/);
});

test('usage mistakes exit 2 with a one-line message', async t => {
	const dir = await mkdtemp(path.join(tmpdir(), 'monarch-cli-'));
	const unknown = await monarch(['migrat', 'development'], dir);
	t.is(unknown.code, 2);
	t.regex(unknown.stderr, /unknown command 'migrat'/);
	const missing = await monarch(['migrate'], dir);
	t.is(missing.code, 2);
	t.regex(missing.stderr, /missing required argument 'env'/);
	const noConfig = await monarch(['list_environments'], dir);
	t.is(noConfig.code, 2);
	t.regex(noConfig.stderr, /^Error: No monarch\.json found in .* \(run `monarch init` to create one, or pass --config PATH\)\n$/);
});

test('init writes monarch.json, migrations/ and querysets/, and refuses to overwrite', async t => {
	const dir = await mkdtemp(path.join(tmpdir(), 'monarch-cli-'));
	const first = await monarch(['init'], dir);
	t.is(first.code, 0, first.stderr);
	t.deepEqual((await readdir(dir)).sort(), ['migrations', 'monarch.json', 'querysets']);
	const config = JSON.parse(await readFile(path.join(dir, 'monarch.json'), 'utf8')) as {
		environments: Record<string, {protected?: boolean}>;
	};
	t.deepEqual(Object.keys(config.environments), ['development', 'production']);
	const before = await readFile(path.join(dir, 'monarch.json'), 'utf8');
	const second = await monarch(['init'], dir);
	t.is(second.code, 2);
	t.regex(second.stderr, /monarch\.json already exists; nothing was changed/);
	t.is(await readFile(path.join(dir, 'monarch.json'), 'utf8'), before);

	const listed = await monarch(['list-environments'], dir);
	t.is(listed.code, 0);
	t.regex(listed.stdout, /production\s+\(set PRODUCTION_MONGODB_URI\)\s+\S+\s+yes \(protected: true\)/);
});

test('--config points at a monarch.json elsewhere', async t => {
	const dir = await mkdtemp(path.join(tmpdir(), 'monarch-cli-'));
	await monarch(['init'], dir);
	const elsewhere = await mkdtemp(path.join(tmpdir(), 'monarch-cli-'));
	const result = await monarch(['--config', path.join(dir, 'monarch.json'), 'list_environments', '--json'], elsewhere);
	t.is(result.code, 0, result.stderr);
	t.deepEqual(
		(JSON.parse(result.stdout) as Array<{name: string}>).map(entry => entry.name),
		['development', 'production'],
	);
});
