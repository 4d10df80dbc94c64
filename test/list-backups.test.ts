import {randomBytes} from 'node:crypto';
import {utimes, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {Readable} from 'node:stream';
import test from 'ava';
import {findBackup, listBackups, readManifest, writeManifest} from '../source/core/backups/catalogue.js';
import type {BackupManifest} from '../source/core/backups/manifest.js';
import {loadConfig} from '../source/core/config/load.js';
import {MonarchError} from '../source/core/errors.js';
import type {BackupStore} from '../source/core/storage/contract.js';
import {openStores, storeFor} from '../source/core/storage/stores.js';
import {createProject} from './helpers/project.js';
import {s3Config, withBucketPrefix} from './helpers/servers.js';

/** A manifest as the backup command writes it, for an archive of `size` bytes. */
function manifestFor(archive: string, size: number, createdAt: string, extra: Partial<BackupManifest> = {}): BackupManifest {
	return {
		manifestVersion: 1,
		archive,
		environment: 'production',
		database: 'shop',
		createdAt,
		monarchVersion: '0.2.0',
		serverVersion: '7.0.0',
		querySet: null,
		collections: [{name: 'dogs', type: 'collection', count: 3, bytes: 120, crc: '0123456789abcdef', indexes: 1}],
		sha256: 'a'.repeat(64),
		size,
		...extra,
	};
}

async function putArchive(store: BackupStore, name: string, bytes: number): Promise<number> {
	return (await store.write(name, Readable.from([randomBytes(bytes)]))).size;
}

/** A project with a local folder and an S3 prefix for backups, and its loaded config. */
async function backupsProject(t: Parameters<typeof createProject>[0], s3Overrides: Record<string, unknown> = {}) {
	const {prefix} = await withBucketPrefix(t);
	const server = s3Config();
	const s3 = {
		bucket: server.bucket,
		prefix,
		region: server.region,
		endpoint: server.endpoint,
		forcePathStyle: true,
		accessKeyId: server.accessKeyId,
		secretAccessKey: server.secretAccessKey,
		...s3Overrides,
	};
	const project = await createProject(t, {config: {backups: {local: {dir: 'backups'}, s3}}});
	const config = await loadConfig({cwd: project.dir});
	const [local, remote] = openStores(config);
	return {project, config, local: local!, s3: remote!};
}

test('list_backups: complete and incomplete backups from both stores, newest first, as a table and as JSON', async t => {
	const {project, local, s3} = await backupsProject(t);
	t.is(local.location, 'local');
	t.is(s3.location, 's3');

	// Oldest: a complete local backup taken with a QuerySet.
	const oldSize = await putArchive(local, 'before_launch__2026_11_20.archive.gz', 2048);
	await writeManifest(
		local,
		manifestFor('before_launch__2026_11_20.archive.gz', oldSize, '2026-11-20T10:00:00.000Z', {
			querySet: {name: 'AccountQuerySet', answers: {accountId: 42}},
		}),
	);
	// Newer: a complete S3 backup of 3 MiB.
	const s3Size = await putArchive(s3, 'shop__2026_11_22.archive.gz', 3 * 1024 * 1024);
	await writeManifest(s3, manifestFor('shop__2026_11_22.archive.gz', s3Size, '2026-11-22T09:30:00.000Z'));
	// Newest (written now): an archive whose manifest never came.
	await putArchive(local, 'shop__2026_11_23.archive.gz', 512);

	const json = await project.monarch(['list_backups', '--json']);
	t.is(json.code, 0, json.stderr);
	t.is(json.stderr, '');
	const listed = JSON.parse(json.stdout) as {backups: Array<Record<string, unknown>>; warnings: string[]};
	t.deepEqual(Object.keys(listed).sort(), ['backups', 'warnings']);
	t.deepEqual(listed.warnings, []);
	t.deepEqual(
		listed.backups.map(backup => [backup.archive, backup.location, backup.state, backup.size, backup.environment, backup.database]),
		[
			['shop__2026_11_23.archive.gz', 'local', 'incomplete', 512, null, null],
			['shop__2026_11_22.archive.gz', 's3', 'complete', 3 * 1024 * 1024, 'production', 'shop'],
			['before_launch__2026_11_20.archive.gz', 'local', 'complete', 2048, 'production', 'shop'],
		],
	);
	t.is(listed.backups[1]!.store, s3.description);
	t.is(listed.backups[0]!.store, 'backups/');
	t.is(listed.backups[1]!.createdAt, '2026-11-22T09:30:00.000Z');
	t.deepEqual(listed.backups[2]!.querySet, {name: 'AccountQuerySet', answers: {accountId: 42}});
	t.regex(String(listed.backups[0]!.problem), /no manifest/);
	t.is((listed.backups[1]!.manifest as BackupManifest).sha256, 'a'.repeat(64));

	const text = await project.monarch(['list-backups']);
	t.is(text.code, 0, text.stderr);
	const lines = text.stdout.trimEnd().split('\n');
	t.deepEqual(lines[0]!.trim().split(/\s{2,}/), ['NAME', 'LOCATION', 'SIZE', 'ENVIRONMENT', 'DATABASE', 'DATE', 'PART', 'STATE']);
	t.deepEqual(
		lines[1]!
			.trim()
			.split(/\s{2,}/)
			.slice(0, 3),
		['shop__2026_11_23.archive.gz', 'local', '512 B'],
	);
	t.regex(lines[1]!, /-\s+-\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+-\s+incomplete \(no manifest/);
	t.deepEqual(lines[2]!.trim().split(/\s{2,}/), [
		'shop__2026_11_22.archive.gz',
		'S3',
		'3.0 MiB',
		'production',
		'shop',
		'2026-11-22 09:30:00',
		'-',
		'complete',
	]);
	t.deepEqual(lines[3]!.trim().split(/\s{2,}/), [
		'before_launch__2026_11_20.archive.gz',
		'local',
		'2.0 KiB',
		'production',
		'shop',
		'2026-11-20 10:00:00',
		'AccountQuerySet (accountId=42)',
		'complete',
	]);
	t.is(lines[4], '3 backups, 1 incomplete (never restored)');

	const onlyS3 = JSON.parse((await project.monarch(['list_backups', '--json', '--from', 's3'])).stdout) as {
		backups: Array<{archive: string}>;
	};
	t.deepEqual(
		onlyS3.backups.map(backup => backup.archive),
		['shop__2026_11_22.archive.gz'],
	);
	const badFrom = await project.monarch(['list_backups', '--from', 'ftp']);
	t.is(badFrom.code, 2);
	t.regex(badFrom.stderr, /--from.*local, s3/);
});

test('list_backups: an unreachable S3 store is a warning and the local backups are still listed', async t => {
	const {project, local} = await backupsProject(t, {endpoint: 'http://127.0.0.1:9'});
	const size = await putArchive(local, 'shop__2026_11_23.archive.gz', 100);
	await writeManifest(local, manifestFor('shop__2026_11_23.archive.gz', size, '2026-11-23T08:00:00.000Z'));

	const result = await project.monarch(['list_backups', '--json'], {env: {MONARCH_CONNECT_TIMEOUT_MS: '1000'}});
	t.is(result.code, 0, result.stderr);
	const listed = JSON.parse(result.stdout) as {backups: Array<{archive: string; state: string}>; warnings: string[]};
	t.deepEqual(
		listed.backups.map(backup => [backup.archive, backup.state]),
		[['shop__2026_11_23.archive.gz', 'complete']],
	);
	t.is(listed.warnings.length, 1);
	t.regex(listed.warnings[0]!, /^s3:\/\/.*: not listed: Cannot reach S3 at http:\/\/127\.0\.0\.1:9/);
	t.regex(result.stderr, /Warning: s3:\/\/.*Cannot reach S3/);
	t.false(result.stderr.includes(s3Config().secretAccessKey));

	const onlyS3 = await project.monarch(['list_backups', '--from', 's3'], {env: {MONARCH_CONNECT_TIMEOUT_MS: '1000'}});
	t.is(onlyS3.code, 1);
	t.regex(onlyS3.stderr, /^Error: Cannot reach S3 at http:\/\/127\.0\.0\.1:9 to list s3:\/\//);
});

test('list_backups: a broken manifest makes its backup incomplete, with a warning naming the file', async t => {
	const {project, config, local} = await backupsProject(t);
	const dir = config.backups.local!.dir;
	await putArchive(local, 'shop__2026_11_23.archive.gz', 100);
	await writeFile(path.join(dir, 'shop__2026_11_23.archive.gz.manifest.json'), '{"manifestVersion": 1, "archive": ');
	await putArchive(local, 'shop__2026_11_24.archive.gz', 100);
	await writeFile(
		path.join(dir, 'shop__2026_11_24.archive.gz.manifest.json'),
		JSON.stringify({manifestVersion: 1, archive: 'shop__2026_11_24.archive.gz'}),
	);
	// Without a readable manifest a backup is dated by its archive's file time: fix those times, never today's.
	for (const [archive, time] of [
		['shop__2026_11_23.archive.gz', '2026-11-23T08:00:00Z'],
		['shop__2026_11_24.archive.gz', '2026-11-24T08:00:00Z'],
	] as const) {
		await utimes(path.join(dir, archive), new Date(time), new Date(time));
	}
	// A manifest whose archive is gone.
	await writeManifest(local, manifestFor('shop__2026_11_25.archive.gz', 100, '2026-11-25T08:00:00.000Z'));

	const {backups, warnings} = await listBackups(config);
	t.deepEqual(
		backups.map(backup => [backup.archive, backup.state, backup.problem]),
		[
			['shop__2026_11_25.archive.gz', 'incomplete', 'archive missing'],
			['shop__2026_11_24.archive.gz', 'incomplete', 'unreadable manifest'],
			['shop__2026_11_23.archive.gz', 'incomplete', 'unreadable manifest'],
		].sort((a, b) => (a[0]! < b[0]! ? 1 : -1)),
	);
	t.is(warnings.length, 2);
	t.true(
		warnings.some(warning => /shop__2026_11_23\.archive\.gz\.manifest\.json: invalid JSON/.test(warning)),
		warnings.join('\n'),
	);
	t.true(
		warnings.some(warning => /shop__2026_11_24\.archive\.gz\.manifest\.json: invalid manifest: environment: /.test(warning)),
		warnings.join('\n'),
	);

	const cli = await project.monarch(['list_backups']);
	t.is(cli.code, 0);
	t.regex(cli.stderr, /Warning: .*shop__2026_11_23\.archive\.gz\.manifest\.json: invalid JSON/);
});

test('findBackup: a complete backup by name with or without .archive.gz; an incomplete one is refused, never offered', async t => {
	const {config, local, s3} = await backupsProject(t);
	const size = await putArchive(s3, 'shop__2026_11_22.archive.gz', 1000);
	const manifest = manifestFor('shop__2026_11_22.archive.gz', size, '2026-11-22T09:30:00.000Z');
	await writeManifest(s3, manifest);
	await putArchive(local, 'shop__2026_11_23.archive.gz', 100);

	for (const ref of ['shop__2026_11_22', 'shop__2026_11_22.archive.gz']) {
		const found = await findBackup(config, ref);
		t.is(found.store.location, 's3');
		t.is(found.archive, 'shop__2026_11_22.archive.gz');
		t.deepEqual(found.manifest, manifest);
	}

	t.deepEqual(await readManifest(s3, 'shop__2026_11_22.archive.gz'), manifest);

	const incomplete = await t.throwsAsync(findBackup(config, 'shop__2026_11_23'), {instanceOf: MonarchError});
	t.is(incomplete?.code, 'corrupt');
	t.regex(incomplete!.message, /shop__2026_11_23\.archive\.gz is incomplete: it has no manifest/);
	t.regex(incomplete!.hint!, /never be restored/);

	const missing = await t.throwsAsync(findBackup(config, 'shop__2026_11_21'), {instanceOf: MonarchError});
	t.is(missing?.code, 'not-found');
	t.regex(missing!.message, /No backup shop__2026_11_21\.archive\.gz in backups\/ or s3:\/\//);

	const fromLocal = await t.throwsAsync(findBackup(config, 'shop__2026_11_22', {from: 'local'}), {instanceOf: MonarchError});
	t.is(fromLocal?.code, 'not-found');

	const unsafe = await t.throwsAsync(findBackup(config, '../shop__2026_11_22'), {instanceOf: MonarchError});
	t.is(unsafe?.code, 'usage');
});

test('findBackup: the same name complete in both stores asks for --from', async t => {
	const {config, local, s3} = await backupsProject(t);
	for (const store of [local, s3]) {
		const size = await putArchive(store, 'shop__2026_11_22.archive.gz', 300);
		await writeManifest(store, manifestFor('shop__2026_11_22.archive.gz', size, '2026-11-22T09:30:00.000Z'));
	}

	const both = await t.throwsAsync(findBackup(config, 'shop__2026_11_22'), {instanceOf: MonarchError});
	t.is(both?.code, 'usage');
	t.regex(both!.message, /exists in both backups\/ and s3:\/\//);
	t.regex(both!.hint!, /--from local or --from s3/);
	t.is((await findBackup(config, 'shop__2026_11_22', {from: 'local'})).store.location, 'local');
	t.is((await findBackup(config, 'shop__2026_11_22', {from: 's3'})).store.location, 's3');
});

test('stores: local first then S3; storeFor names `backups` in monarch.json when a location is not configured', async t => {
	const project = await createProject(t, {config: {}});
	const none = await loadConfig({cwd: project.dir});
	t.deepEqual(openStores(none), []);
	const error = t.throws(() => storeFor(none), {instanceOf: MonarchError});
	t.is(error?.code, 'config');
	t.regex(error!.message, /^monarch\.json: backups: no backup location is configured$/);
	const cli = await project.monarch(['list_backups']);
	t.is(cli.code, 2);
	t.regex(cli.stderr, /monarch\.json: backups: no backup location is configured/);

	await project.writeConfig({environments: {development: {uri: 'mongodb://127.0.0.1:1', database: 'x'}}, backups: {local: {dir: 'kept'}}});
	const localOnly = await loadConfig({cwd: project.dir});
	t.is(storeFor(localOnly).location, 'local');
	const noS3 = t.throws(() => storeFor(localOnly, 's3'), {instanceOf: MonarchError});
	t.regex(noS3!.message, /monarch\.json: backups\.s3 is not configured/);

	const {config} = await backupsProject(t);
	t.deepEqual(
		openStores(config).map(store => store.location),
		['local', 's3'],
	);
	t.is(storeFor(config).location, 'local');
	t.is(storeFor(config, 's3').location, 's3');
});
