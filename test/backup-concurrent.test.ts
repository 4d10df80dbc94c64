/**
 * Two backups of one name at once, through the built binary: they never
 * leave one archive with the other's manifest. Either both succeed under
 * different names, or one fails cleanly; every manifest matches its archive.
 */
import {createHash} from 'node:crypto';
import {once} from 'node:events';
import test, {type ExecutionContext} from 'ava';
import {listBackups, readManifest} from '../source/core/backups/catalogue.js';
import {loadConfig} from '../source/core/config/load.js';
import type {StoreLocation} from '../source/core/storage/contract.js';
import {storeFor} from '../source/core/storage/stores.js';
import {type Loose, seed} from './helpers/backup-data.js';
import {heldOrExited, startGate} from './helpers/gate.js';
import {createProject, type Project, testMongoUri} from './helpers/project.js';
import {s3Config, withBucketPrefix} from './helpers/servers.js';

const day = '2026_03_01';

/** development (through a gate when DEVELOPMENT_URI is set) and staging hold different data; backups go to a local folder and an S3 prefix. */
async function concurrentProject(t: ExecutionContext, dogs: number): Promise<Project> {
	const {bucket, prefix} = await withBucketPrefix(t);
	const s3 = s3Config();
	const suffix = Math.random().toString(16).slice(2, 10);
	const project = await createProject(t, {
		now: '2026-03-01T09:30:00.000Z',
		environments: {
			development: {uri: `\${DEVELOPMENT_URI:-${testMongoUri()}}`, database: `t_${suffix}_dev`},
			staging: {uri: testMongoUri(), database: `t_${suffix}_staging`},
		},
		config: {
			backups: {
				local: {dir: 'backups'},
				s3: {
					bucket,
					prefix,
					region: s3.region,
					endpoint: s3.endpoint,
					forcePathStyle: true,
					accessKeyId: s3.accessKeyId,
					secretAccessKey: s3.secretAccessKey,
				},
			},
		},
	});
	await seed(project.db('development'), {dogs});
	await project
		.db('staging')
		.collection<Loose>('orders')
		.insertMany([
			{_id: 1, total: 10},
			{_id: 2, total: 20},
		]);
	return project;
}

/** The archive a successful `monarch backup` printed it wrote. */
function writtenArchive(stdout: string): string {
	const match = /^Backed up \S+ \(database \S+\) to \S*?([^/\s]+\.archive\.gz)$/m.exec(stdout);
	if (!match) throw new Error(`no archive in: ${stdout}`);
	return match[1]!;
}

/** Every complete backup in the store, each checked against its archive's bytes; and whether any backup is incomplete. */
async function checkStore(t: ExecutionContext, project: Project, location: StoreLocation) {
	const config = await loadConfig({cwd: project.dir});
	const store = storeFor(config, location);
	const {backups} = await listBackups(config, {from: location});
	const complete = new Map<string, string>();
	for (const entry of backups) {
		t.is(entry.state, 'complete', `${entry.archive}: ${entry.problem}`);
		const manifest = await readManifest(store, entry.archive);
		const hash = createHash('sha256');
		let size = 0;
		for await (const chunk of await store.read(entry.archive)) {
			hash.update(chunk as Buffer);
			size += (chunk as Buffer).length;
		}

		t.is(hash.digest('hex'), manifest.sha256, `${entry.archive}: the manifest matches its archive`);
		t.is(size, manifest.size);
		complete.set(entry.archive, manifest.environment);
	}

	return complete;
}

for (const location of ['local', 's3'] as const) {
	test(`a backup whose name another backup took while it ran takes the next free name (${location}); both manifests match their archives`, async t => {
		const project = await concurrentProject(t, 8000);
		// The first backup's dump is held after 1 MB of documents; its archive is not stored yet.
		const gate = await startGate(t, {toClient: 1_000_000});
		const first = project.spawnMonarch(['backup', 'development', '--name', 'nightly', '--to', location], {
			env: {DEVELOPMENT_URI: gate.uri},
		});
		let stdout = '';
		let stderr = '';
		first.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		first.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		const exited = once(first, 'exit');
		await heldOrExited(gate, exited, () => stderr);

		const second = await project.monarch(['backup', 'staging', '--name', 'nightly', '--to', location]);
		t.is(second.code, 0, second.stderr);
		t.is(writtenArchive(second.stdout), `nightly__${day}.archive.gz`);

		gate.open();
		const [code] = await exited;
		t.is(code, 0, stderr);
		t.is(writtenArchive(stdout), `nightly__${day}_2.archive.gz`);
		t.regex(
			stderr,
			new RegExp(
				`nightly__${day}\\.archive\\.gz was taken by another backup while this one was written \\(nothing was overwritten\\); backing up again under the next free name`,
			),
		);

		const complete = await checkStore(t, project, location);
		t.deepEqual(Object.fromEntries(complete), {[`nightly__${day}.archive.gz`]: 'staging', [`nightly__${day}_2.archive.gz`]: 'development'});
	});
}

test("two `monarch backup --name X --to s3` started at once never leave one archive with the other's manifest", async t => {
	const project = await concurrentProject(t, 2000);
	// Same environment (the brief's case), then two environments with different data (so a mix-up would show).
	const pairs = [
		['development', 'development'],
		['development', 'staging'],
		['staging', 'development'],
		['development', 'staging'],
	] as const;
	const written = new Map<string, string>();
	for (const [round, pair] of pairs.entries()) {
		const runs = await Promise.all(
			pair.map(async environment => project.monarch(['backup', environment, '--name', `race${round}`, '--to', 's3'])),
		);
		for (const [index, run] of runs.entries()) {
			if (run.code === 0) {
				written.set(writtenArchive(run.stdout), pair[index]!);
			} else {
				// A clean failure: one line naming the refused name, nothing overwritten.
				t.is(run.code, 2, run.stderr);
				t.regex(run.stderr, /^Error: race\d__\S+ (already exists in|was written to) .*nothing was overwritten/);
			}
		}

		const names = runs.filter(run => run.code === 0).map(run => writtenArchive(run.stdout));
		t.log(
			`round ${round}: ${runs.map((run, index) => `${pair[index]} ${run.code === 0 ? writtenArchive(run.stdout) : 'refused'}`).join(', ')}`,
		);
		t.is(new Set(names).size, names.length, `round ${round}: two successes never share a name`);
		t.true(names.length > 0, `round ${round}: at least one backup succeeded`);
	}

	const complete = await checkStore(t, project, 's3');
	t.deepEqual(
		Object.fromEntries(complete),
		Object.fromEntries(written),
		'every successful backup is there, complete, from its own environment',
	);
});
