import {createHash} from 'node:crypto';
import {readFile, stat, truncate, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {gunzipSync, gzipSync} from 'node:zlib';
import test, {type ExecutionContext} from 'ava';
import {seed, snapshot} from './helpers/backup-data.js';
import {createProject, type Project} from './helpers/project.js';

const now = '2026-03-01T09:30:00.000Z';

/** A project with a local backup of a seeded development database (300 dogs). */
async function withBackup(t: ExecutionContext): Promise<{project: Project; archive: string; file: string}> {
	const project = await createProject(t, {now, config: {backups: {local: {dir: 'backups'}}}});
	await seed(project.db('development'), {dogs: 300});
	const backedUp = await project.monarch(['backup', 'development']);
	if (backedUp.code !== 0) throw new Error(backedUp.stderr);
	const archive = `${project.databases.development}__2026_03_01.archive.gz`;
	return {project, archive, file: path.join(project.dir, 'backups', archive)};
}

/** The last line of stderr: a failed command's one-line error. */
const errorLine = (stderr: string) => stderr.trimEnd().split('\n').at(-1) ?? '';

test('verify reads a good backup and says in one line what it checked, changing nothing', async t => {
	const {project, archive, file} = await withBackup(t);
	const before = await snapshot(project.db('development'));
	const size = (await stat(file)).size;

	const result = await project.monarch(['verify', archive]);
	t.is(result.code, 0, result.stderr);
	const lines = result.stdout.trimEnd().split('\n');
	t.is(lines.length, 1);
	t.regex(
		lines[0]!,
		new RegExp(
			`^Verified backups/${archive}: 4 collections, 304 documents \\([\\d.]+ KiB of BSON\\), [\\d.]+ KiB archive; its sha256, size, every CRC and count and its index definitions match the manifest$`,
		),
	);
	t.true(size > 1024);
	t.deepEqual(await snapshot(project.db('development')), before);

	// The name without its suffix, and --from local, find the same backup.
	const named = await project.monarch(['verify', archive.replace(/\.archive\.gz$/, ''), '--from', 'local']);
	t.is(named.code, 0, named.stderr);
	t.is(named.stdout, result.stdout);
});

test('verify refuses a backup with a flipped byte in one line, exit 1', async t => {
	const {project, archive, file} = await withBackup(t);
	const bytes = await readFile(file);
	const at = Math.floor(bytes.length / 2);
	bytes[at] = bytes[at]! ^ 0x5a;
	await writeFile(file, bytes);

	const result = await project.monarch(['verify', archive]);
	t.is(result.code, 1);
	t.is(result.stdout, '');
	t.regex(
		errorLine(result.stderr),
		new RegExp(`^Error: Backup backups/${archive} is corrupt: .+ \\(nothing was changed; restore from another backup\\)$`),
	);
	t.notRegex(result.stderr, /\n\s+at /);
});

test('verify finds a changed document whose gzip, sha256 and size were made to match: the CRC names the collection', async t => {
	const {project, archive, file} = await withBackup(t);
	const plain = gunzipSync(await readFile(file));
	const at = plain.indexOf('dog 150\0');
	t.true(at > 0);
	plain[at + 4] = '9'.charCodeAt(0);
	const tampered = gzipSync(plain);
	await writeFile(file, tampered);
	const manifestFile = `${file}.manifest.json`;
	const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as Record<string, unknown>;
	await writeFile(
		manifestFile,
		JSON.stringify({...manifest, sha256: createHash('sha256').update(tampered).digest('hex'), size: tampered.length}),
	);

	const result = await project.monarch(['verify', archive]);
	t.is(result.code, 1);
	t.regex(
		errorLine(result.stderr),
		new RegExp(`^Error: Backup backups/${archive} is corrupt.*CRC mismatch for ${project.databases.development}\\.dogs`),
	);
});

test('verify refuses a truncated backup in one line, exit 1', async t => {
	const {project, archive, file} = await withBackup(t);
	await truncate(file, Math.floor((await stat(file)).size / 2));

	const result = await project.monarch(['verify', archive]);
	t.is(result.code, 1);
	t.is(result.stdout, '');
	t.regex(
		errorLine(result.stderr),
		new RegExp(`^Error: Backup backups/${archive} is corrupt: .+\\(nothing was changed; restore from another backup\\)$`),
	);
});

test('verify --from s3 checks a backup in S3', async t => {
	const {s3Config, withBucketPrefix} = await import('./helpers/servers.js');
	const bucket = await withBucketPrefix(t);
	const s3 = s3Config();
	const project = await createProject(t, {
		now,
		config: {
			backups: {
				s3: {
					bucket: bucket.bucket,
					prefix: bucket.prefix,
					region: s3.region,
					endpoint: s3.endpoint,
					forcePathStyle: true,
					accessKeyId: s3.accessKeyId,
					secretAccessKey: s3.secretAccessKey,
				},
			},
		},
	});
	await seed(project.db('development'), {dogs: 50});
	t.is((await project.monarch(['backup', 'development', '--to', 's3'])).code, 0);
	const archive = `${project.databases.development}__2026_03_01.archive.gz`;

	const result = await project.monarch(['verify', archive, '--from', 's3']);
	t.is(result.code, 0, result.stderr);
	t.regex(result.stdout, new RegExp(`^Verified s3://${bucket.bucket}/${bucket.prefix}${archive}: 4 collections, 54 documents `));

	const missing = await project.monarch(['verify', 'nope', '--from', 's3']);
	t.is(missing.code, 2);
	t.regex(errorLine(missing.stderr), /^Error: No backup nope\.archive\.gz in s3:\/\//);
});
