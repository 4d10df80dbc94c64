import {readdir, readFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {readArchiveFile} from '../source/core/archive/index.js';
import {type Loose, seed, seededCounts, snapshot, stagingCollections} from './helpers/backup-data.js';
import {createProject, testMongoUri} from './helpers/project.js';

/** The day monarch dates these tests' backups with (MONARCH_NOW), whatever today is. */
const now = '2026-03-01T09:30:00.000Z';
const day = '2026_03_01';

async function backupProject(t: Parameters<typeof createProject>[0]) {
	const suffix = Math.random().toString(16).slice(2, 10);
	const project = await createProject(t, {
		now,
		environments: {staging: {uri: testMongoUri(), database: `t_${suffix}_staging`}},
		config: {backups: {local: {dir: 'backups'}}},
	});
	return {project, backups: path.join(project.dir, 'backups')};
}

test('backup then restore into another environment gives the same documents byte for byte, the same indexes, and the migration history', async t => {
	const {project, backups} = await backupProject(t);
	await seed(project.db('development'));
	const before = await snapshot(project.db('development'));

	const backedUp = await project.monarch(['backup', 'development']);
	t.is(backedUp.code, 0, backedUp.stderr);
	const archive = `${project.databases.development}__${day}.archive.gz`;
	t.regex(backedUp.stdout, new RegExp(`Backed up development \\(database ${project.databases.development}\\) to backups/${archive}`));
	t.regex(backedUp.stdout, /4 collections, 1204 documents/);
	t.deepEqual((await readdir(backups)).sort(), [archive, `${archive}.manifest.json`]);

	const manifest = JSON.parse(await readFile(path.join(backups, `${archive}.manifest.json`), 'utf8')) as {
		createdAt: string;
		collections: Array<{name: string; count: number; indexes: number}>;
		size: number;
		querySet: unknown;
	};
	t.is(manifest.createdAt, now);
	t.deepEqual(Object.fromEntries(manifest.collections.map(entry => [entry.name, entry.count])), seededCounts);
	t.is(manifest.collections.find(entry => entry.name === 'dogs')?.indexes, 3);
	t.is(manifest.querySet, null);

	// The file is a mongodump archive, gzipped as a whole stream.
	const header = await readFile(path.join(backups, archive));
	t.deepEqual([...header.subarray(0, 2)], [0x1f, 0x8b]);
	let documents = 0;
	for await (const event of readArchiveFile(path.join(backups, archive)))
		if (event.type === 'documents') documents += event.documents.length;
	t.is(documents, 1204);

	await project.db('staging').collection<Loose>('leftover').insertOne({_id: 'stale', stale: true});
	await project.db('staging').collection<Loose>('dogs').insertOne({_id: 'stray'});
	const restored = await project.monarch(['restore', `${archive}:staging`, '--yes']);
	t.is(restored.code, 0, restored.stderr);
	t.regex(
		restored.stdout,
		new RegExp(
			`Restored backups/${archive} \\([\\d.]+ KiB, development at 2026-03-01 09:30:00 UTC\\) into staging \\(database ${project.databases.staging}\\): 4 collections, 1204 documents`,
		),
	);
	t.regex(restored.stdout, /Dropped leftover \(not in the backup\)/);
	t.deepEqual(await snapshot(project.db('staging')), before);
	t.deepEqual(await stagingCollections(project.db('staging')), []);
	t.is(await project.db('staging').collection<Loose>('monarch_locks').countDocuments(), 0);
});

test('a second backup on the same day takes the next name, and --name picks the first part', async t => {
	const {project, backups} = await backupProject(t);
	await seed(project.db('development'), {dogs: 10});
	for (let run = 0; run < 2; run++) t.is((await project.monarch(['backup', 'development'])).code, 0);
	const named = await project.monarch(['backup', 'development', '--name', 'before_launch']);
	t.is(named.code, 0, named.stderr);
	const base = project.databases.development!;
	t.deepEqual(
		(await readdir(backups)).filter(name => name.endsWith('.archive.gz')).sort(),
		[`${base}__${day}.archive.gz`, `${base}__${day}_2.archive.gz`, `before_launch__${day}.archive.gz`].sort(),
	);
});

test('a MONARCH_NOW that is not an ISO 8601 time is refused in one line and nothing is written', async t => {
	const {project, backups} = await backupProject(t);
	await seed(project.db('development'), {dogs: 3});
	const result = await project.monarch(['backup', 'development'], {env: {MONARCH_NOW: 'yesterday'}});
	t.is(result.code, 2);
	t.is(
		result.stderr,
		'Error: MONARCH_NOW: "yesterday" is not an ISO 8601 time (set it like 2026-03-01T09:30:00Z, or unset it to use the real clock)\n',
	);
	await t.throwsAsync(readdir(backups), {code: 'ENOENT'});
});

test('backup names with "/" or ".." are refused and nothing is written', async t => {
	const {project, backups} = await backupProject(t);
	await seed(project.db('development'), {dogs: 3});
	for (const name of ['../escape', 'a/b', '..', 'x..y']) {
		const result = await project.monarch(['backup', 'development', '--name', name]);
		t.is(result.code, 2, name);
		t.regex(result.stderr, /--name/);
	}

	await t.throwsAsync(readdir(backups), {code: 'ENOENT'});
	await t.throwsAsync(readdir(path.join(project.dir, '..', 'escape')), {code: 'ENOENT'});
});

test('restore into a protected environment needs --yes without a terminal, and takes a safety backup first', async t => {
	const suffix = Math.random().toString(16).slice(2, 10);
	const project = await createProject(t, {
		now,
		environments: {production: {uri: testMongoUri(), database: `t_${suffix}_prod`}},
		config: {backups: {local: {dir: 'backups'}}},
	});
	await seed(project.db('development'), {dogs: 50});
	await project.db('production').collection<Loose>('orders').insertOne({_id: 1, total: 42});
	const productionBefore = await snapshot(project.db('production'));
	t.is((await project.monarch(['backup', 'development'])).code, 0);
	const archive = `${project.databases.development}__${day}.archive.gz`;

	const refused = await project.monarch(['restore', `${archive}:production`]);
	t.is(refused.code, 2);
	t.regex(
		refused.stderr,
		new RegExp(`Restore backup ${archive} of development .* into production .* on protected environment "production"`),
	);
	t.deepEqual(await snapshot(project.db('production')), productionBefore);

	const restored = await project.monarch(['restore', `${archive}:production`, '--yes']);
	t.is(restored.code, 0, restored.stderr);
	const safety = `${project.databases.production}_before_restore__${day}.archive.gz`;
	t.regex(restored.stdout, new RegExp(`Safety backup of production before the restore: backups/${safety}`));
	t.deepEqual(await snapshot(project.db('production')), await snapshot(project.db('development')));

	// The safety backup undoes the restore.
	const undone = await project.monarch(['restore', `${safety}:production`, '--yes', '--no-safety-backup']);
	t.is(undone.code, 0, undone.stderr);
	t.notRegex(undone.stdout, /Safety backup/);
	t.deepEqual(await snapshot(project.db('production')), productionBefore);
});

test('backup to S3 and restore from it (--to s3, --from s3) round-trips byte for byte', async t => {
	const {s3Config, withBucketPrefix} = await import('./helpers/servers.js');
	const bucket = await withBucketPrefix(t);
	const s3 = s3Config();
	const suffix = Math.random().toString(16).slice(2, 10);
	const project = await createProject(t, {
		now,
		environments: {staging: {uri: testMongoUri(), database: `t_${suffix}_staging`}},
		config: {
			backups: {
				local: {dir: 'backups'},
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
	await seed(project.db('development'), {dogs: 400});
	const before = await snapshot(project.db('development'));

	const backedUp = await project.monarch(['backup', 'development', '--to', 's3']);
	t.is(backedUp.code, 0, backedUp.stderr);
	const archive = `${project.databases.development}__${day}.archive.gz`;
	t.regex(backedUp.stdout, new RegExp(`to s3://${bucket.bucket}/${bucket.prefix}${archive}`));
	await t.throwsAsync(readdir(path.join(project.dir, 'backups')), {code: 'ENOENT'});

	const restored = await project.monarch(['restore', `${archive}:staging`, '--yes', '--from', 's3']);
	t.is(restored.code, 0, restored.stderr);
	t.deepEqual(await snapshot(project.db('staging')), before);
});
