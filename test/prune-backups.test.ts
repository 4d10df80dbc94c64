import {execFile} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {mkdir, readdir, rm, utimes, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {Readable} from 'node:stream';
import {setTimeout as delay} from 'node:timers/promises';
import {promisify} from 'node:util';
import {
	CreateMultipartUploadCommand,
	HeadObjectCommand,
	ListMultipartUploadsCommand,
	ListPartsCommand,
	UploadPartCommand,
} from '@aws-sdk/client-s3';
import test, {type ExecutionContext} from 'ava';
import {writeBackup} from '../source/core/backups/backup.js';
import {listBackups} from '../source/core/backups/catalogue.js';
import {loadConfig} from '../source/core/config/load.js';
import {findEnvironment} from '../source/core/environments.js';
import {MonarchError} from '../source/core/errors.js';
import {createS3Client, createS3Store} from '../source/core/storage/s3.js';
import {type Loose, seed} from './helpers/backup-data.js';
import {createProject, monarchBin, type Project, testMongoUri} from './helpers/project.js';
import {s3Config, withBucketPrefix} from './helpers/servers.js';

/** A project with development and staging (small, different data), backups in a local folder and an S3 prefix. */
async function pruneProject(t: ExecutionContext) {
	const {client, bucket, prefix} = await withBucketPrefix(t);
	const s3 = s3Config();
	const suffix = Math.random().toString(16).slice(2, 10);
	const s3Backups = {
		bucket,
		prefix,
		region: s3.region,
		endpoint: s3.endpoint,
		forcePathStyle: true,
		accessKeyId: s3.accessKeyId,
		secretAccessKey: s3.secretAccessKey,
	};
	const project = await createProject(t, {
		environments: {staging: {uri: testMongoUri(), database: `t_${suffix}_staging`}},
		config: {backups: {local: {dir: 'backups'}, s3: s3Backups}},
	});
	await seed(project.db('development'), {dogs: 20});
	await project
		.db('staging')
		.collection<Loose>('orders')
		.insertMany([{_id: 1, total: 10}]);
	return {project, client, bucket, prefix, s3Backups};
}

async function backupAt(
	t: ExecutionContext,
	project: Project,
	environment: string,
	date: string,
	location: 'local' | 's3',
): Promise<string> {
	const run = await project.monarch(['backup', environment, '--to', location], {env: {MONARCH_NOW: `${date}T12:00:00.000Z`}});
	t.is(run.code, 0, run.stderr);
	return `${project.databases[environment]}__${date.replaceAll('-', '_')}.archive.gz`;
}

/** `location name` of every backup, complete or not, sorted. */
async function listed(project: Project): Promise<string[]> {
	const {backups} = await listBackups(await loadConfig({cwd: project.dir}));
	return backups.map(entry => `${entry.location} ${entry.archive}${entry.state === 'complete' ? '' : ' (incomplete)'}`).sort();
}

test('prune_backups --older-than / --keep: lists first, asks (--yes without a terminal), never takes the newest complete backup of an environment unless named', async t => {
	const {project} = await pruneProject(t);
	const dev = project.databases.development!;
	const staging = project.databases.staging!;
	await backupAt(t, project, 'development', '2026-01-01', 'local');
	await backupAt(t, project, 'development', '2026-02-01', 'local');
	await backupAt(t, project, 'development', '2026-03-01', 'local');
	await backupAt(t, project, 'staging', '2026-01-15', 'local');
	await backupAt(t, project, 'development', '2026-01-01', 's3');
	await backupAt(t, project, 'development', '2026-03-01', 's3');
	const all = await listed(project);
	t.is(all.length, 6);
	const at = {env: {MONARCH_NOW: '2026-03-10T00:00:00.000Z'}};

	const dry = await project.monarch(['prune_backups', '--older-than', '30d', '--dry-run'], at);
	t.is(dry.code, 0, dry.stderr);
	t.regex(dry.stdout, /^To delete: 3 backups \(/m);
	for (const name of [`${dev}__2026_01_01.archive.gz`, `${dev}__2026_02_01.archive.gz`])
		t.regex(dry.stdout, new RegExp(`${name}\\s+local .*older than 30d`));
	t.regex(dry.stdout, new RegExp(`${dev}__2026_01_01\\.archive\\.gz\\s+S3 .*older than 30d`));
	t.regex(
		dry.stdout,
		new RegExp(
			`^Kept: ${staging}__2026_01_15\\.archive\\.gz \\(local\\), the newest complete backup of staging; name it to delete it\\.$`,
			'm',
		),
	);
	t.notRegex(dry.stdout, /2026_03_01/);
	t.regex(dry.stdout, /^Dry run: nothing was deleted\.$/m);
	t.deepEqual(await listed(project), all);

	// --json: the same plan as a document on stdout (the list goes to stderr).
	const json = await project.monarch(['prune_backups', '--older-than', '30d', '--dry-run', '--json'], at);
	t.is(json.code, 0, json.stderr);
	const report = JSON.parse(json.stdout) as {
		deleted: boolean;
		items: Array<{kind: string; name: string; location: string; reason: string}>;
		kept: Array<{archive: string}>;
	};
	t.false(report.deleted);
	t.deepEqual(report.items.map(item => `${item.location} ${item.name}`).sort(), [
		`local ${dev}__2026_01_01.archive.gz`,
		`local ${dev}__2026_02_01.archive.gz`,
		`s3 ${dev}__2026_01_01.archive.gz`,
	]);
	t.true(report.items.every(item => item.kind === 'backup' && /older than 30d/.test(item.reason)));
	t.deepEqual(
		report.kept.map(entry => entry.archive),
		[`${staging}__2026_01_15.archive.gz`],
	);
	t.regex(json.stderr, /^To delete: 3 backups/m);
	t.deepEqual(await listed(project), all);

	// No terminal and no --yes: the plan is shown, then a refusal with status 2, and nothing goes.
	const unconfirmed = await project.monarch(['prune_backups', '--older-than', '30d'], at);
	t.is(unconfirmed.code, 2);
	t.regex(unconfirmed.stdout, /^To delete: 3 backups/m);
	t.regex(unconfirmed.stderr, /^Error: No answer for "Delete 3 backups\?.*pass --yes to confirm without a terminal/m);
	t.deepEqual(await listed(project), all);

	const local = await project.monarch(['prune_backups', '--older-than', '30d', '--from', 'local', '--yes'], at);
	t.is(local.code, 0, local.stderr);
	t.regex(local.stdout, /^Deleted 2 backups \(/m);
	t.deepEqual(
		await readdir(path.join(project.dir, 'backups')).then(names => names.sort()),
		[
			`${dev}__2026_03_01.archive.gz`,
			`${dev}__2026_03_01.archive.gz.manifest.json`,
			`${staging}__2026_01_15.archive.gz`,
			`${staging}__2026_01_15.archive.gz.manifest.json`,
		].sort(),
	);

	const keep = await project.monarch(['prune_backups', '--keep', '1', '--from', 's3', '--yes'], at);
	t.is(keep.code, 0, keep.stderr);
	t.regex(keep.stdout, new RegExp(`${dev}__2026_01_01\\.archive\\.gz\\s+S3 .*beyond the 1 newest of development`));
	t.deepEqual(
		await listed(project),
		[`local ${dev}__2026_03_01.archive.gz`, `local ${staging}__2026_01_15.archive.gz`, `s3 ${dev}__2026_03_01.archive.gz`].sort(),
	);

	// Nothing old enough: nothing to do, nothing asked.
	const none = await project.monarch(['prune_backups', '--older-than', '30d'], at);
	t.is(none.code, 0, none.stderr);
	t.regex(none.stdout, /^Nothing to prune\.$/m);

	// Named, the newest goes too; a name in both stores needs --from.
	const both = await project.monarch(['prune_backups', `${dev}__2026_03_01`, '--yes'], at);
	t.is(both.code, 2);
	t.regex(both.stderr, /in both .* nothing was deleted \(pick one with --from local or --from s3\)/);
	const named = await project.monarch(['prune_backups', `${staging}__2026_01_15`, `${dev}__2026_03_01`, '--from', 'local', '--yes'], at);
	t.is(named.code, 0, named.stderr);
	t.deepEqual(await listed(project), [`s3 ${dev}__2026_03_01.archive.gz`]);
});

test('prune_backups refuses bad flags in one line, deleting nothing', async t => {
	const {project} = await pruneProject(t);
	await backupAt(t, project, 'development', '2026-01-01', 'local');
	const cases: Array<[string[], RegExp]> = [
		[[], /^Error: prune_backups: say what to delete \(pass --keep N, --older-than 30d, --incomplete, or backup names\)$/],
		[['--keep', '0'], /^Error: --keep 0: must be a whole number of at least 1/],
		[['--keep', 'two'], /^Error: --keep two: must be a whole number of at least 1 \(e\.g\. --keep 7\)$/],
		[
			['--older-than', '30x'],
			/^Error: --older-than "30x": expected a whole number and a unit \(m, h, d or w\) \(e\.g\. --older-than 30d\)$/,
		],
		[['--incomplete', '--keep', '2'], /^Error: --keep: not with --incomplete/],
		[['nothing__2026_01_01', '--yes'], /^Error: No backup nothing__2026_01_01\.archive\.gz; nothing was deleted/],
		[['--older-than', '1d', '--from', 'ftp'], /argument 'ftp' is invalid/],
	];
	for (const [args, expected] of cases) {
		const run = await project.monarch(['prune_backups', ...args]);
		t.is(run.code, 2, args.join(' '));
		t.regex(run.stderr.split('\n')[0]!, expected, args.join(' '));
	}

	t.is((await listed(project)).length, 1);
});

test('prune_backups --incomplete removes archives without a manifest and aborts abandoned writes, leaving recent ones and complete backups', async t => {
	const {project, client, bucket, prefix, s3Backups} = await pruneProject(t);
	const dev = project.databases.development!;
	const complete = await backupAt(t, project, 'development', '2026-01-01', 's3');
	const folder = path.join(project.dir, 'backups');
	const s3Store = createS3Store(s3Backups);
	// Leftovers of killed backups: an S3 archive with no manifest, a multipart upload S3 still holds,
	// a local archive with no manifest, and a local temporary file.
	await s3Store.write(`${dev}__2026_01_02.archive.gz`, Readable.from([Buffer.from('no manifest')]));
	const key = `${prefix}${dev}__2026_01_03.archive.gz`;
	const {UploadId} = await client.send(new CreateMultipartUploadCommand({Bucket: bucket, Key: key}));
	await client.send(new UploadPartCommand({Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: Buffer.alloc(5 * 1024 * 1024)}));
	await mkdir(folder, {recursive: true});
	await writeFile(path.join(folder, `${dev}__2026_01_04.archive.gz`), 'no manifest');
	await writeFile(path.join(folder, `.partial-0123456789ab-${dev}__2026_01_05.archive.gz`), 'half');

	// Ages on the S3 server's own clock: the local files are dated to it, and monarch's now is 2 hours after it.
	const parts = await client.send(new ListPartsCommand({Bucket: bucket, Key: key, UploadId}));
	const head = await client.send(new HeadObjectCommand({Bucket: bucket, Key: `${prefix}${dev}__2026_01_02.archive.gz`}));
	const serverTime = Math.max(parts.Parts![0]!.LastModified!.getTime(), head.LastModified!.getTime());
	for (const name of [`${dev}__2026_01_04.archive.gz`, `.partial-0123456789ab-${dev}__2026_01_05.archive.gz`]) {
		await utimes(path.join(folder, name), new Date(serverTime), new Date(serverTime));
	}

	const at = {env: {MONARCH_NOW: new Date(serverTime + 2 * 3_600_000).toISOString()}};

	// Idle for 2 hours is not yet a day.
	const recent = await project.monarch(['prune_backups', '--incomplete', '--older-than', '1d', '--yes'], at);
	t.is(recent.code, 0, recent.stderr);
	t.regex(recent.stdout, /^Nothing to prune\.$/m);

	const run = await project.monarch(['prune_backups', '--incomplete', '--yes'], at);
	t.is(run.code, 0, run.stderr);
	t.regex(run.stdout, /^To delete: 2 backups and 2 abandoned writes \(/m);
	t.regex(run.stdout, new RegExp(`${dev}__2026_01_02\\.archive\\.gz\\s+S3 .*incomplete \\(no manifest`));
	t.regex(run.stdout, new RegExp(`${dev}__2026_01_03\\.archive\\.gz\\s+S3\\s+5\\.0 MiB .*abandoned write`));
	t.regex(run.stdout, new RegExp(`${dev}__2026_01_04\\.archive\\.gz\\s+local .*incomplete \\(no manifest`));
	t.regex(run.stdout, new RegExp(`${dev}__2026_01_05\\.archive\\.gz\\s+local .*abandoned write`));
	t.regex(run.stdout, /^Deleted 2 backups and 2 abandoned writes \(/m);

	t.deepEqual(await listed(project), [`s3 ${complete}`]);
	t.deepEqual(await readdir(folder), []);
	const uploads = await client.send(new ListMultipartUploadsCommand({Bucket: bucket, Prefix: prefix}));
	t.deepEqual(uploads.Uploads ?? [], []);
});

test('a manifest that cannot be written, beside an archive that cannot be deleted: the error says an incomplete backup was left and how to prune it', async t => {
	const {project, s3Backups} = await pruneProject(t);
	const config = await loadConfig({cwd: project.dir});
	const environment = findEnvironment(config.environments, 'development', config.displayFile);
	// Once the archive is stored, S3 becomes unreachable: every request about the manifest, and the delete, is refused a connection.
	const s3 = createS3Client(s3Backups);
	t.teardown(() => s3.destroy());
	let phase: 'writing' | 'put' | 'stored' = 'writing';
	s3.middlewareStack.add(
		(next, context) => async args => {
			const input = args.input as {Key?: string};
			if (phase === 'stored') {
				const request = args.request as {port?: number; hostname?: string};
				request.hostname = '127.0.0.1';
				request.port = 9;
			}

			const result = await next(args);
			const archive = input.Key?.endsWith('.archive.gz');
			if (archive && (context.commandName === 'PutObjectCommand' || context.commandName === 'CompleteMultipartUploadCommand'))
				phase = 'put';
			else if (archive && phase === 'put' && context.commandName === 'HeadObjectCommand') phase = 'stored';
			return result;
		},
		{step: 'build', name: 'unreachableOnceTheArchiveIsStored'},
	);
	const store = createS3Store(s3Backups, {client: s3});
	const db = project.db('development');
	const error = await t.throwsAsync(writeBackup({db, environment, store, base: 'nightly'}), {instanceOf: MonarchError});
	t.regex(
		error.message,
		/^Cannot reach S3 at .* \(ECONNREFUSED\).*; the archive s3:\/\/\S+\/nightly__\d{4}_\d\d_\d\d\.archive\.gz was stored but could not be deleted, so an incomplete backup \(never restored\) was left there$/,
	);
	const archive = /nightly__\S+?\.archive\.gz/.exec(error.message)![0];
	t.is(error.hint, `remove it with \`monarch prune_backups ${archive} --from s3\` (or later with \`monarch prune_backups --incomplete\`)`);
	t.is(error.code, 'connection');
	const {backups} = await listBackups(config, {from: 's3'});
	t.deepEqual(
		backups.map(entry => [entry.archive.replace(/\d{4}_\d\d_\d\d/, 'DAY'), entry.state]),
		[['nightly__DAY.archive.gz', 'incomplete']],
	);

	// The hint works as written: the incomplete backup goes, right away.
	const pruned = await project.monarch(['prune_backups', archive, '--from', 's3', '--yes']);
	t.is(pruned.code, 0, pruned.stderr);
	t.deepEqual((await listBackups(config, {from: 's3'})).backups, []);
});

/** Runs `monarch <args>` in a tmux pane (a real terminal); the pane shows `EXIT=<status>` when it ends. */
async function inTerminal(t: ExecutionContext, cwd: string, args: string[], env: Record<string, string>) {
	const socket = `monarch-prune-${randomBytes(4).toString('hex')}`;
	const tmux = async (...rest: string[]) => (await promisify(execFile)('tmux', ['-L', socket, '-f', '/dev/null', ...rest])).stdout;
	const variables = Object.entries({NO_COLOR: '1', ...env})
		.map(([key, value]) => `${key}='${value}'`)
		.join(' ');
	await tmux(
		'new-session',
		'-d',
		'-s',
		'prune',
		'-x',
		'160',
		'-y',
		'30',
		'-c',
		cwd,
		`env ${variables} '${process.execPath}' '${monarchBin}' ${args.join(' ')}; echo EXIT=$?; sleep 600`,
	);
	t.teardown(async () => {
		await tmux('kill-server').catch(() => '');
		// tmux leaves its socket file behind.
		await rm(path.join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, socket), {force: true});
	});
	return {
		async waitFor(pattern: RegExp): Promise<string> {
			// Polls the screen for the text; the timeout bounds a failure, it is not a pace.
			for (const deadline = Date.now() + 60_000; ; await delay(50)) {
				const screen = await tmux('capture-pane', '-p', '-t', 'prune');
				if (pattern.test(screen)) return screen;
				if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(pattern)}:\n${screen}`);
			}
		},
		async answer(text: string) {
			await tmux('send-keys', '-t', 'prune', '-l', text);
			await tmux('send-keys', '-t', 'prune', 'Enter');
		},
	};
}

test('prune_backups on a terminal shows the plan, then asks: no deletes nothing, yes deletes', async t => {
	const {project} = await pruneProject(t);
	const old = await backupAt(t, project, 'development', '2026-01-01', 'local');
	await backupAt(t, project, 'development', '2026-03-01', 'local');
	const all = await listed(project);
	const env = {MONARCH_NOW: '2026-03-10T00:00:00.000Z'};

	const refused = await inTerminal(t, project.dir, ['prune_backups', '--older-than', '30d'], env);
	const question = await refused.waitFor(/Delete 1 backup\? \[y\/n\]/);
	t.regex(question, new RegExp(`To delete: 1 backup[\\s\\S]*${old}`), 'the plan comes before the question');
	await refused.answer('n');
	t.regex(await refused.waitFor(/EXIT=\d+/), /Not confirmed: nothing was deleted[\s\S]*EXIT=2/);
	t.deepEqual(await listed(project), all);

	const confirmed = await inTerminal(t, project.dir, ['prune_backups', '--older-than', '30d'], env);
	await confirmed.waitFor(/Delete 1 backup\? \[y\/n\]/);
	await confirmed.answer('y');
	t.regex(await confirmed.waitFor(/EXIT=\d+/), /Deleted 1 backup \([^)]+\)\.[\s\S]*EXIT=0/);
	t.deepEqual(
		await listed(project),
		all.filter(entry => !entry.includes(old)),
	);
});
