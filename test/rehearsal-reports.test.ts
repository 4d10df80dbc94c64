import {createHash} from 'node:crypto';
import {readdir, readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {GetObjectCommand, PutObjectCommand} from '@aws-sdk/client-s3';
import test, {type ExecutionContext} from 'ava';
import {rehearsalMarkdown} from '../source/cli/rehearsal-markdown.js';
import {loadConfig} from '../source/core/config/load.js';
import type {MonarchEvent} from '../source/core/events.js';
import type {RehearsalReport} from '../source/core/rehearse/report.js';
import {listRehearsals, storeRehearsal} from '../source/core/rehearse/stored.js';
import {createProject, migrationSource, type Project, testMongoUri} from './helpers/project.js';
import {s3Config, withBucketPrefix} from './helpers/servers.js';

const migrations = {
	'20260101000000_already_done.ts': migrationSource('AlreadyDone', "\t\tthrow new Error('a completed migration ran again');"),
	'20260201000000_insert_owners.ts': migrationSource(
		'InsertOwners',
		"\t\tawait this.database.collection('owners').insertMany([{_id: 101}, {_id: 102}]);",
	),
	'20260202000000_index_dogs.ts': migrationSource('IndexDogs', "\t\tawait this.database.collection('dogs').createIndex({name: 1});"),
};

type Shop = Project & {prefix: string; bucket: string; client: Awaited<ReturnType<typeof withBucketPrefix>>['client']};

/** development (the rehearsal target) and production with data and the first migration Completed; backups in a local folder and S3. */
async function shop(t: ExecutionContext, backups: 'both' | 'none' = 'both'): Promise<Shop> {
	const s3 = await withBucketPrefix(t);
	const server = s3Config();
	const suffix = Math.random().toString(16).slice(2, 10);
	const project = await createProject(t, {
		now: '2020-01-01T00:00:00.000Z' /* a machine clock far from the server's: the report must not take it */,
		environments: {production: {uri: testMongoUri(), database: `t_${suffix}_prod`, protected: true}},
		migrations,
		config:
			backups === 'both'
				? {
						backups: {
							local: {dir: 'backups'},
							s3: {
								bucket: server.bucket,
								prefix: s3.prefix,
								region: server.region,
								endpoint: server.endpoint,
								forcePathStyle: true,
								accessKeyId: server.accessKeyId,
								secretAccessKey: server.secretAccessKey,
							},
						},
					}
				: {},
	});
	const db = project.db('production');
	await db.collection<{_id: number; name: string}>('dogs').insertMany([
		{_id: 1, name: 'rex'},
		{_id: 2, name: 'fido'},
	]);
	await db
		.collection<{_id: string; state: string}>('monarch_migrations')
		.insertOne({_id: '20260101000000_already_done', state: 'Completed'});
	return {...project, ...s3, client: s3.client} as Shop;
}

async function serverNow(project: Project): Promise<Date> {
	return (await project.db('production').admin().command({hello: 1})).localTime as Date;
}

async function s3Text(project: Shop, key: string): Promise<string> {
	const object = await project.client.send(new GetObjectCommand({Bucket: project.bucket, Key: key}));
	return object.Body!.transformToString();
}

async function sha256(file: string): Promise<string> {
	return createHash('sha256')
		.update(await readFile(file))
		.digest('hex');
}

test('rehearse stores its report in rehearsals/ of the local folder and S3; list_rehearsals --json lists it once, from both', async t => {
	const project = await shop(t);
	const before = await serverNow(project);
	const result = await project.monarch(['rehearse', 'production', '--json']);
	t.is(result.code, 0, result.stderr);
	const after = await serverNow(project);
	const printed = JSON.parse(result.stdout) as RehearsalReport;

	const local = path.join(project.dir, 'backups', 'rehearsals');
	t.deepEqual(await readdir(local), [`${printed.id}.json`]);
	const stored = JSON.parse(await readFile(path.join(local, `${printed.id}.json`), 'utf8')) as RehearsalReport;
	t.deepEqual(stored, printed);
	t.deepEqual(JSON.parse(await s3Text(project, `${project.prefix}rehearsals/${printed.id}.json`)), printed);
	t.regex(result.stderr, new RegExp(`Report stored: backups/rehearsals/${printed.id}\\.json`));
	t.regex(result.stderr, new RegExp(`Report stored: s3://[^ ]+/${project.prefix}rehearsals/${printed.id}\\.json`));

	// The pending set with the checksums history uses; the copy dated by the server's clock, not MONARCH_NOW's 2020.
	const dir = path.join(project.dir, 'migrations');
	t.deepEqual(stored.pending, [
		{key: '20260201000000_insert_owners', checksum: await sha256(path.join(dir, '20260201000000_insert_owners.ts'))},
		{key: '20260202000000_index_dogs', checksum: await sha256(path.join(dir, '20260202000000_index_dogs.ts'))},
	]);
	const takenAt = new Date(stored.takenAt).getTime();
	t.true(
		takenAt >= before.getTime() - 1000 && takenAt <= after.getTime() + 1000,
		`${stored.takenAt} between ${before.toISOString()} and ${after.toISOString()}`,
	);
	t.regex(stored.id, /^production-\d{8}T\d{9}Z-[0-9a-f]{6}$/);
	t.false(stored.scrubbed);
	t.regex(stored.ranBy, /^.+@.+$/);
	t.is(stored.monarchVersion, JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')).version);
	t.true(stored.verdict.passed);

	const listed = await project.monarch(['list_rehearsals', 'production', '--json']);
	t.is(listed.code, 0, listed.stderr);
	const {rehearsals, warnings} = JSON.parse(listed.stdout) as {
		rehearsals: Array<{id: string; store: string; stores: string[]; report: RehearsalReport}>;
		warnings: string[];
	};
	t.deepEqual(warnings, []);
	t.deepEqual(
		rehearsals.map(({id, store, stores}) => ({id, store, stores})),
		[{id: printed.id, store: 'local', stores: ['local', 's3']}],
	);
	t.deepEqual(rehearsals[0]!.report, printed);
});

test('nothing-pending and failed rehearsals are stored too, listed newest first; list_rehearsals <env> filters, an unknown one is refused', async t => {
	const project = await shop(t);
	const first = await project.monarch(['rehearse', 'production', '--json']);
	t.is(first.code, 0, first.stderr);
	await project.writeMigration('20260301000000_broken.ts', migrationSource('Broken', "\t\tthrow new Error('boom');"));
	const failed = await project.monarch(['rehearse', 'production', '--json']);
	t.is(failed.code, 1, failed.stderr);
	// Mark everything applied on production: the next rehearsal has nothing pending.
	await project
		.db('production')
		.collection<{_id: string; state: string}>('monarch_migrations')
		.insertMany([
			{_id: '20260201000000_insert_owners', state: 'Completed'},
			{_id: '20260202000000_index_dogs', state: 'Completed'},
			{_id: '20260301000000_broken', state: 'Completed'},
		]);
	const nothing = await project.monarch(['rehearse', 'production', '--json']);
	t.is(nothing.code, 0, nothing.stderr);
	const ids = [nothing, failed, first].map(run => (JSON.parse(run.stdout) as RehearsalReport).id);
	t.deepEqual((JSON.parse(nothing.stdout) as RehearsalReport).pending, []);

	const listed = await project.monarch(['list_rehearsals', '--json']);
	t.is(listed.code, 0, listed.stderr);
	t.deepEqual(
		(JSON.parse(listed.stdout) as {rehearsals: Array<{id: string}>}).rehearsals.map(entry => entry.id),
		ids,
	);

	const table = await project.monarch(['list_rehearsals', 'production']);
	t.is(table.code, 0, table.stderr);
	const lines = table.stdout.trimEnd().split('\n');
	t.regex(lines[0]!, /^ {2}WHEN \(SERVER, UTC\) +ENVIRONMENT +QUERYSET +SCRUBBED +VERDICT +PENDING +ID$/);
	t.regex(lines[1]!, new RegExp(`^ {2}\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +production +- +no +passed +0 +${ids[0]}$`));
	t.regex(lines[2]!, new RegExp(` +production +- +no +failed \\(20260301000000_broken\\) +3 +${ids[1]}$`));
	t.regex(lines[3]!, new RegExp(` +production +- +no +passed +2 +${ids[2]}$`));
	t.is(lines[4], '3 rehearsals');

	const none = await project.monarch(['list_rehearsals', 'development']);
	t.is(none.code, 0, none.stderr);
	t.is(none.stdout.trim(), 'No rehearsals of development yet (run one with `monarch rehearse development`).');
	const unknown = await project.monarch(['list_rehearsals', 'staging']);
	t.not(unknown.code, 0);
	t.regex(unknown.stderr, /Unknown environment "staging"/);
});

test('a report is never overwritten, and a corrupt one is skipped with one warning line naming it, never trusted', async t => {
	const project = await shop(t);
	const result = await project.monarch(['rehearse', 'production', '--json']);
	t.is(result.code, 0, result.stderr);
	const report = JSON.parse(result.stdout) as RehearsalReport;
	const config = await loadConfig({cwd: project.dir});

	// Storing the same id again (with another verdict) is refused by both stores; what is stored stays.
	const events: MonarchEvent[] = [];
	const stored = await storeRehearsal(
		config,
		{...report, verdict: {...report.verdict, passed: false}},
		{events: event => events.push(event)},
	);
	t.deepEqual(stored, []);
	t.is(events.filter(event => event.type === 'log' && event.level === 'warn' && /already exists/.test(event.message)).length, 2);
	const localFile = path.join(project.dir, 'backups', 'rehearsals', `${report.id}.json`);
	t.true((JSON.parse(await readFile(localFile, 'utf8')) as RehearsalReport).verdict.passed);
	t.true((JSON.parse(await s3Text(project, `${project.prefix}rehearsals/${report.id}.json`)) as RehearsalReport).verdict.passed);

	// Not JSON in the local folder; JSON but not a report (a passed verdict with no pending set) in S3; a report under another id's name.
	await writeFile(path.join(project.dir, 'backups', 'rehearsals', 'production-20990101T000000000Z-aaaaaa.json'), '{"id": "production-2099');
	const {pending: _, ...noPending} = {...report, id: 'production-20990101T000000000Z-bbbbbb', takenAt: '2099-01-01T00:00:00.000Z'};
	await project.client.send(
		new PutObjectCommand({
			Bucket: project.bucket,
			Key: `${project.prefix}rehearsals/production-20990101T000000000Z-bbbbbb.json`,
			Body: JSON.stringify(noPending),
		}),
	);
	await project.client.send(
		new PutObjectCommand({
			Bucket: project.bucket,
			Key: `${project.prefix}rehearsals/production-20990101T000000000Z-cccccc.json`,
			Body: JSON.stringify({...report, takenAt: '2099-01-01T00:00:00.000Z'}),
		}),
	);

	const listed = await project.monarch(['list_rehearsals', 'production', '--json']);
	t.is(listed.code, 0, listed.stderr);
	const {rehearsals, warnings} = JSON.parse(listed.stdout) as {rehearsals: Array<{id: string}>; warnings: string[]};
	t.deepEqual(
		rehearsals.map(entry => entry.id),
		[report.id],
	);
	const sorted = warnings.sort();
	// The JSON parser's own words differ between Node versions.
	t.regex(
		sorted.shift()!,
		/^backups\/rehearsals\/production-20990101T000000000Z-aaaaaa\.json: not a rehearsal report: invalid JSON \(Unterminated string[^)]*\); skipped$/,
	);
	t.deepEqual(sorted, [
		`s3://${project.bucket}/${project.prefix}rehearsals/production-20990101T000000000Z-bbbbbb.json: not a rehearsal report: pending: Invalid input: expected array, received undefined; skipped`,
		`s3://${project.bucket}/${project.prefix}rehearsals/production-20990101T000000000Z-cccccc.json: not a rehearsal report: its id is ${report.id}; skipped`,
	]);
	const stderrLines = listed.stderr.trimEnd().split('\n');
	t.is(stderrLines.length, 3, listed.stderr);
	for (const line of stderrLines)
		t.regex(line, /^Warning: .+production-20990101T000000000Z-(aaaaaa|bbbbbb|cccccc)\.json: not a rehearsal report: .+; skipped$/);

	// The core's reader says the same through its event sink, one line each.
	const seen: MonarchEvent[] = [];
	const read = await listRehearsals(config, 'production', {events: event => seen.push(event)});
	t.deepEqual(
		read.map(entry => entry.id),
		[report.id],
	);
	t.is(seen.length, 3);
});

test('rehearse --markdown prints the stored report as Markdown, verdict first, and nothing else on stdout; --json and --markdown conflict', async t => {
	const project = await shop(t);
	const result = await project.monarch(['rehearse', 'production', '--markdown']);
	t.is(result.code, 0, result.stderr);
	const [file] = await readdir(path.join(project.dir, 'backups', 'rehearsals'));
	const stored = JSON.parse(await readFile(path.join(project.dir, 'backups', 'rehearsals', file!), 'utf8')) as RehearsalReport;
	t.is(result.stdout, rehearsalMarkdown(stored));
	t.true(result.stdout.startsWith('## ✅ Rehearsal of production passed\n\n**All 2 pending migrations passed'));
	t.true(result.stdout.includes('| `20260202000000_index_dogs` | ✅ Completed |'));

	const both = await project.monarch(['rehearse', 'production', '--markdown', '--json']);
	t.is(both.code, 2);
	t.regex(both.stderr, /option '--json' cannot be used with option '--markdown'/);
});

test('with no backup location a rehearsal says in one warning that its report is not stored, and list_rehearsals says why it lists none', async t => {
	const project = await shop(t, 'none');
	const result = await project.monarch(['rehearse', 'production']);
	t.is(result.code, 0, result.stderr);
	t.regex(result.stderr, /The rehearsal report was not stored: monarch\.json configures no backup location \(add "backups"\)/);
	const listed = await project.monarch(['list_rehearsals']);
	t.is(listed.code, 0, listed.stderr);
	t.is(listed.stdout.trim(), 'No rehearsals: monarch.json configures no backup location, where reports are stored.');
});
