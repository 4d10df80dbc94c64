import {readFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import type {MonarchEvent} from '../source/core/events.js';
import {type Loose, seed, snapshot} from './helpers/backup-data.js';
import {createProject, testMongoUri} from './helpers/project.js';

/** The day monarch dates these tests' backups with (MONARCH_NOW), whatever today is. */
const now = '2026-03-01T09:30:00.000Z';
const day = '2026_03_01';

type Outcome<Result> = {result: Result; events: MonarchEvent[]};

async function phaseProject(t: Parameters<typeof createProject>[0]) {
	const suffix = Math.random().toString(16).slice(2, 10);
	const project = await createProject(t, {
		now,
		environments: {production: {uri: testMongoUri(), database: `t_${suffix}_prod`}},
		config: {backups: {local: {dir: 'backups'}}},
	});
	await seed(project.db('development'), {dogs: 30});
	await project.db('production').collection<Loose>('leftover').insertOne({_id: 1});
	return project;
}

/** Runs monarch with --json: stdout is one JSON document, the lines for people are on stderr. */
async function runJson<Result>(
	project: Awaited<ReturnType<typeof createProject>>,
	args: string[],
): Promise<Outcome<Result> & {stderr: string}> {
	const run = await project.monarch([...args, '--json']);
	if (run.code !== 0) throw new Error(`monarch ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
	return {...(JSON.parse(run.stdout) as Outcome<Result>), stderr: run.stderr};
}

/** The phase events in the order they came, progress and lock events left out. */
const phases = (events: MonarchEvent[]) =>
	events
		.map(event => event.type)
		.filter(
			type => /^(backup|restore|staging|swap):/.test(type) && type !== 'staging:collection-loaded' && type !== 'staging:indexes-built',
		);
const ofType = <Type extends MonarchEvent['type']>(events: MonarchEvent[], type: Type) =>
	events.filter((event): event is Extract<MonarchEvent, {type: Type}> => event.type === type);

/** What every restore or copy into a protected target with one stale collection says, in order. */
function assertLoadPhases(t: Parameters<typeof createProject>[0], events: MonarchEvent[], label: string) {
	t.deepEqual(
		phases(events).filter(type => type !== 'restore:verified'),
		['backup:started', 'restore:safety-backup', 'swap:started', 'swap:dropped', 'swap:finished'],
	);
	const loaded = ofType(events, 'staging:collection-loaded');
	t.deepEqual(Object.fromEntries(loaded.map(event => [event.collection, event.documents])), {
		dogs: 30,
		owners: 3,
		empty: 0,
		monarch_migrations: 1,
	});
	t.true(loaded.every(event => event.label === label));
	t.deepEqual(
		ofType(events, 'staging:indexes-built')
			.map(event => [event.collection, event.indexes])
			.sort(),
		[['dogs', 2]],
	);
	const [dropped] = ofType(events, 'swap:dropped');
	t.deepEqual(dropped?.collections, ['leftover']);
	const [finished] = ofType(events, 'swap:finished');
	t.deepEqual(finished?.dropped, ['leftover']);
	t.is(finished?.collections, 4);
	t.false(events.some(event => event.type === 'progress'));
}

test('backup and restore --json print the result with the phase events; the lines for people stay on stderr', async t => {
	const project = await phaseProject(t);
	const archive = `${project.databases.development}__${day}.archive.gz`;

	const backedUp = await runJson<{archive: string; manifest: {sha256: string; size: number}}>(project, ['backup', 'development']);
	t.is(backedUp.result.archive, archive);
	t.deepEqual(
		backedUp.events.filter(event => event.type !== 'lock:acquired'),
		[{type: 'backup:started', environment: 'development', database: project.databases.development!, store: 'backups/', archive}],
	);
	t.regex(backedUp.stderr, new RegExp(`Backing up development \\(database ${project.databases.development}\\) to backups/${archive}`));

	const restored = await runJson<{dropped: string[]; safetyBackup: {archive: string}}>(project, [
		'restore',
		`${archive}:production`,
		'--yes',
	]);
	const safety = `${project.databases.production}_before_restore__${day}.archive.gz`;
	t.is(restored.result.safetyBackup.archive, safety);
	t.deepEqual(restored.result.dropped, ['leftover']);
	// One pass: the backup is verified while it loads, so `restore:verified` comes after the safety backup and before the swap.
	t.deepEqual(phases(restored.events).slice(0, 4), ['backup:started', 'restore:safety-backup', 'restore:verified', 'swap:started']);
	t.deepEqual(ofType(restored.events, 'restore:verified'), [
		{
			type: 'restore:verified',
			source: `backups/${archive}`,
			collections: 4,
			documents: 34,
			bytes: backedUp.result.manifest.size,
			sha256: backedUp.result.manifest.sha256,
		},
	]);
	t.deepEqual(ofType(restored.events, 'restore:safety-backup'), [
		{type: 'restore:safety-backup', environment: 'production', store: 'backups/', archive: safety},
	]);
	assertLoadPhases(t, restored.events, 'restore production');
	t.regex(restored.stderr, /Verified: 4 collections, 34 documents, [\d.]+ KiB, sha256 [\da-f]{12}\.\.\./);
	t.regex(restored.stderr, new RegExp(`Safety backup of production: backups/${safety}`));
	t.regex(restored.stderr, /Dropped leftover \(not in the source\)/);
	t.deepEqual(await snapshot(project.db('production')), await snapshot(project.db('development')));
});

test('restore --file --json reports the verified file and the same load phases', async t => {
	const project = await phaseProject(t);
	t.is((await project.monarch(['backup', 'development', '--to', 'local'])).code, 0);
	const file = path.join(project.dir, 'backups', `${project.databases.development}__${day}.archive.gz`);
	const bytes = (await readFile(file)).length;

	const restored = await runJson<{sha256: string; size: number}>(project, ['restore', `${file}:production`, '--file', '--yes']);
	t.is(restored.result.size, bytes);
	t.deepEqual(ofType(restored.events, 'restore:verified'), [
		{type: 'restore:verified', source: file, collections: 4, documents: 34, bytes, sha256: restored.result.sha256},
	]);
	t.deepEqual(phases(restored.events).slice(0, 4), ['backup:started', 'restore:safety-backup', 'restore:verified', 'swap:started']);
	assertLoadPhases(t, restored.events, 'restore production');
	t.deepEqual(await snapshot(project.db('production')), await snapshot(project.db('development')));
});

test('copy_db --json reports the safety backup and the load phases, with nothing to verify', async t => {
	const project = await phaseProject(t);
	const copied = await runJson<{dropped: string[]}>(project, ['copy_db', 'development:production', '--yes']);
	t.deepEqual(copied.result.dropped, ['leftover']);
	t.deepEqual(ofType(copied.events, 'restore:verified'), []);
	t.regex(ofType(copied.events, 'restore:safety-backup')[0]?.archive ?? '', /_prod_before_copy__2026_03_01\.archive\.gz$/);
	assertLoadPhases(t, copied.events, 'copy development to production');
	t.deepEqual(await snapshot(project.db('production')), await snapshot(project.db('development')));
});
