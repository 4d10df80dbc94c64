import {mkdir, mkdtemp, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import test from 'ava';
import {loadConfig} from '../source/core/config/load.js';
import {describeError, MonarchError} from '../source/core/errors.js';
import {createProject} from './helpers/project.js';

async function folderWith(text: string): Promise<string> {
	const dir = await mkdtemp(path.join(tmpdir(), 'monarch-config-'));
	await writeFile(path.join(dir, 'monarch.json'), text);
	return dir;
}

const env = (body: string) => `{"environments": {${body}}}`;
const dev = '"development": {"uri": "mongodb://127.0.0.1:27017", "database": "shop"}';

const brokenFiles: Array<[string, string, RegExp]> = [
	['not JSON', '{', /^monarch\.json: invalid JSON at line 1, column 2/],
	['trailing comma', `{"environments": {${dev},}}`, /^monarch\.json: invalid JSON at line 1/],
	['an array', '[]', /^monarch\.json: \(top level\): expected object, got an array/],
	['no environments', '{}', /^monarch\.json: environments: required/],
	['empty environments', env(''), /^monarch\.json: environments: add at least one environment/],
	['no database', env('"production": {"uri": "mongodb://db"}'), /^monarch\.json: environments\.production\.database: required/],
	['no uri', env('"production": {"database": "shop"}'), /^monarch\.json: environments\.production\.uri: required/],
	[
		'database of the wrong type',
		env('"dev": {"uri": "mongodb://h", "database": 3}'),
		/environments\.dev\.database: expected string, got number 3/,
	],
	['database with a dot', env('"dev": {"uri": "mongodb://h", "database": "a.b"}'), /environments\.dev\.database: must not contain/],
	['unknown field', env('"dev": {"uri": "mongodb://h", "database": "a", "pasword": "x"}'), /environments\.dev: unknown field "pasword"/],
	['bad environment name', env('"my env": {"uri": "mongodb://h", "database": "a"}'), /environments\.my env: invalid name/],
	['http uri', env('"dev": {"uri": "http://h", "database": "a"}'), /environments\.dev\.uri: must start with mongodb:\/\//],
	[
		'protected as a string',
		env('"dev": {"uri": "mongodb://h", "database": "a", "protected": "yes"}'),
		/environments\.dev\.protected: expected boolean, got "yes"/,
	],
	[
		'bad s3 endpoint',
		`{"environments": {${dev}}, "backups": {"s3": {"bucket": "bkt", "endpoint": "nope"}}}`,
		/backups\.s3\.endpoint: must be a URL/,
	],
	[
		'short bucket',
		`{"environments": {${dev}}, "backups": {"s3": {"bucket": "b"}}}`,
		/backups\.s3\.bucket: a bucket name of at least 3 characters/,
	],
	['local backups without dir', `{"environments": {${dev}}, "backups": {"local": {}}}`, /backups\.local\.dir: required/],
	['negative lease', `{"environments": {${dev}}, "lock": {"leaseSeconds": -1}}`, /lock\.leaseSeconds: /],
	[
		'requireRehearsal of an unknown unit',
		env('"production": {"uri": "mongodb://h", "database": "a", "migrate": {"requireRehearsal": "24 hours"}}'),
		/^monarch\.json: environments\.production\.migrate\.requireRehearsal: a duration such as "90m", "24h", "7d" or "2w"$/,
	],
	[
		'requireRehearsal true',
		env('"production": {"uri": "mongodb://h", "database": "a", "migrate": {"requireRehearsal": true}}'),
		/^monarch\.json: environments\.production\.migrate\.requireRehearsal: expected false, a duration such as "24h" or "7d", or \{"within": "24h", "querySet": true\}$/,
	],
	[
		'requireRehearsal within 0',
		env('"production": {"uri": "mongodb://h", "database": "a", "migrate": {"requireRehearsal": {"within": "0h"}}}'),
		/^monarch\.json: environments\.production\.migrate\.requireRehearsal\.within: a duration such as "90m"/,
	],
	[
		'requireRehearsal with an unknown field',
		env('"production": {"uri": "mongodb://h", "database": "a", "migrate": {"requireRehearsal": {"within": "1d", "scrubbed": true}}}'),
		/^monarch\.json: environments\.production\.migrate\.requireRehearsal: unknown field "scrubbed"$/,
	],
	['unknown top-level field', `{"environments": {${dev}}, "migrationDir": "m"}`, /\(top level\): unknown field "migrationDir"/],
	[
		'missing variable outside environments',
		`{"environments": {${dev}}, "backups": {"local": {"dir": "\${MONARCH_TEST_UNSET_DIR}"}}}`,
		/backups\.local\.dir: environment variable MONARCH_TEST_UNSET_DIR is not set/,
	],
];

for (const [title, text, expected] of brokenFiles) {
	test(`a broken monarch.json is reported in one line: ${title}`, async t => {
		const dir = await folderWith(text);
		const error = await t.throwsAsync(loadConfig({cwd: dir, variables: {}}), {instanceOf: MonarchError});
		t.is(error.code, 'config');
		t.is(error.exitCode, 2);
		t.regex(error.message, expected);
		t.false(describeError(error).includes('\n'));
	});
}

test('migrate.requireRehearsal per environment: a duration, false, or within with querySet; none by default', async t => {
	const dir = await folderWith(
		env(
			[
				'"production": {"uri": "mongodb://h", "database": "a", "migrate": {"requireRehearsal": "24h"}}',
				'"staging": {"uri": "mongodb://h", "database": "b", "migrate": {"requireRehearsal": {"within": "7d", "querySet": true}}}',
				'"qa": {"uri": "mongodb://h", "database": "c", "migrate": {"requireRehearsal": false}}',
				'"demo": {"uri": "mongodb://h", "database": "d", "migrate": {"requireRehearsal": {"within": "90m"}}}',
				dev,
			].join(', '),
		),
	);
	const config = await loadConfig({cwd: dir});
	const required = Object.fromEntries(config.environments.map(environment => [environment.name, environment.requireRehearsal]));
	t.deepEqual(required, {
		production: {within: '24h', withinMs: 86_400_000, querySet: false},
		staging: {within: '7d', withinMs: 7 * 86_400_000, querySet: true},
		qa: undefined,
		demo: {within: '90m', withinMs: 90 * 60_000, querySet: false},
		development: undefined,
	});
});

test('a missing monarch.json says to run monarch init', async t => {
	const dir = await mkdtemp(path.join(tmpdir(), 'monarch-empty-'));
	const error = await t.throwsAsync(loadConfig({cwd: dir}), {instanceOf: MonarchError});
	t.regex(describeError(error), /No monarch\.json found in .* \(run `monarch init` to create one/);
});

test('monarch.json is found by walking up from the working directory', async t => {
	const dir = await folderWith(`{"environments": {${dev}}}`);
	const deep = path.join(dir, 'a', 'b');
	await mkdir(deep, {recursive: true});
	const config = await loadConfig({cwd: deep});
	t.is(config.root, dir);
	t.is(config.migrationsDir, path.join(dir, 'migrations'));
	t.is(config.querysetsDir, path.join(dir, 'querysets'));
	t.deepEqual(config.lock, {leaseMs: 60_000, waitMs: 30_000});
});

test('${VAR} and ${VAR:-default} are taken from the environment', async t => {
	const dir = await folderWith(
		env('"production": {"uri": "mongodb://app:${DB_PASSWORD}@${DB_HOST:-db.internal}:27017", "database": "${DB_NAME:-shop}"}'),
	);
	const config = await loadConfig({cwd: dir, variables: {DB_PASSWORD: 'hunter22', DB_NAME: 'shop_eu'}});
	const production = config.environments[0]!;
	t.is(production.uri, 'mongodb://app:hunter22@db.internal:27017');
	t.is(production.database, 'shop_eu');
	t.is(production.displayUri, 'mongodb://app:***@db.internal:27017');
	t.deepEqual(production.hosts, ['db.internal:27017']);
});

test('every secret a URI carries stays hidden: password, TLS key and proxy passwords, AWS session token', async t => {
	const uri =
		'mongodb://app:pa%3Ass99@127.0.0.1:1/?tlsCertificateKeyFilePassword=keypass77&proxyPassword=proxypass55&authMechanismProperties=AWS_SESSION_TOKEN:sessiontoken33';
	const project = await createProject(t, {environments: {remote: {uri, database: 'shop'}}});
	for (const args of [['list_environments'], ['list_environments', '--json'], ['list_migrations', 'remote']]) {
		const result = await project.monarch(args, {env: {MONARCH_CONNECT_TIMEOUT_MS: '300'}});
		const output = result.stdout + result.stderr;
		for (const secret of ['pa:ss99', 'pa%3Ass99', 'keypass77', 'proxypass55', 'sessiontoken33'])
			t.false(output.includes(secret), `${args.join(' ')} shows ${secret}:\n${output}`);
	}

	const listed = await project.monarch(['list_environments', '--json']);
	t.regex(
		listed.stdout,
		/mongodb:\/\/app:\*\*\*@127\.0\.0\.1:1\/\?tlsCertificateKeyFilePassword=\*\*\*&proxyPassword=\*\*\*&authMechanismProperties=AWS_SESSION_TOKEN:\*\*\*/,
	);
});

test('an environment whose variable is unset fails only when used, naming the variable', async t => {
	const project = await createProject(t, {environments: {production: {uri: '${MONARCH_TEST_PRODUCTION_URI}', database: 'shop'}}});
	const listed = await project.monarch(['list_environments']);
	t.is(listed.code, 0);
	t.regex(listed.stdout, /production\s+\(set MONARCH_TEST_PRODUCTION_URI\)/);
	const used = await project.monarch(['list_migrations', 'production']);
	t.is(used.code, 2);
	t.regex(used.stderr, /^Error: monarch\.json: environments\.production: environment variable MONARCH_TEST_PRODUCTION_URI is not set/);
});

test('protection follows the seed: declared, named production or prod, or a remote host', async t => {
	const dir = await folderWith(
		env(
			[
				'"development": {"uri": "mongodb://localhost:27017,127.0.0.2:27018", "database": "a"}',
				'"staging": {"uri": "mongodb://127.0.0.1", "database": "b", "protected": true}',
				'"prod": {"uri": "mongodb://127.0.0.1", "database": "c"}',
				'"shared": {"uri": "mongodb://u:p@db.example.com", "database": "d"}',
				'"atlas": {"uri": "mongodb+srv://cluster0.example.net", "database": "e"}',
				'"ipv6": {"uri": "mongodb://[::1]:27017", "database": "f"}',
			].join(','),
		),
	);
	const config = await loadConfig({cwd: dir});
	const reasons = Object.fromEntries(config.environments.map(environment => [environment.name, environment.protectionReason ?? 'no']));
	t.deepEqual(reasons, {
		development: 'no',
		staging: 'protected: true',
		prod: 'named prod',
		shared: 'remote host db.example.com',
		atlas: 'remote host (mongodb+srv)',
		ipv6: 'no',
	});
});

test('passwords never appear in list_environments, its JSON, or connection errors', async t => {
	const secret = 'S3cr3t-Pa55';
	const project = await createProject(t, {
		environments: {
			remote: {uri: `mongodb://admin:${secret}@127.0.0.1:1/?authSource=admin`, database: 'shop'},
		},
	});
	const listed = await project.monarch(['list_environments']);
	const json = await project.monarch(['list_environments', '--json']);
	const failed = await project.monarch(['list_migrations', 'remote', '--verbose'], {env: {MONARCH_CONNECT_TIMEOUT_MS: '500'}});
	t.is(listed.code, 0);
	t.is(json.code, 0);
	t.is(failed.code, 1);
	t.regex(failed.stderr, /Cannot reach environment "remote" at 127\.0\.0\.1:1/);
	const remote = (JSON.parse(json.stdout) as Array<{name: string; uri: string}>).find(entry => entry.name === 'remote');
	t.is(remote?.uri, 'mongodb://admin:***@127.0.0.1:1/?authSource=admin');
	for (const output of [listed.stdout, listed.stderr, json.stdout, failed.stdout, failed.stderr]) t.false(output.includes(secret));
});

test('an unknown environment lists the known ones', async t => {
	const project = await createProject(t, {environments: {staging: {uri: 'mongodb://127.0.0.1', database: 'x'}}});
	const result = await project.monarch(['migrate', 'producton']);
	t.is(result.code, 2);
	t.is(result.stderr.trim(), 'Error: Unknown environment "producton" (known environments in monarch.json: development, staging)');
});

test('a broken monarch.json stops the CLI with status 2 and one line', async t => {
	const project = await createProject(t);
	await project.writeConfig({environments: {production: {uri: 'mongodb://db'}}});
	const result = await project.monarch(['list_environments']);
	t.is(result.code, 2);
	t.is(result.stderr.trim().split('\n').length, 1);
	t.regex(result.stderr, /^Error: monarch\.json: environments\.production\.database: required/);
});
