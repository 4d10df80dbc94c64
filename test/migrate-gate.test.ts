/**
 * The rehearsal gate end to end (the built CLI, the real servers): an
 * environment with `migrate.requireRehearsal` migrates only after a passing
 * `monarch rehearse` of exactly its pending set, young enough by its server's
 * clock; each refusal is exit 2, one line, nothing written; `--unrehearsed`
 * goes past it and history says so; `--plan` exits 0 or 3; the confirmation
 * shows the evidence before the typed name. (The estimate's test is
 * migrate-estimate.test.ts, alone in its file so no other test's load skews
 * its timings.)
 */
import {readdir, readFile, rm, writeFile} from 'node:fs/promises';
import path from 'node:path';
import test, {type ExecutionContext} from 'ava';
import type {MigratePlan} from '../source/core/rehearse/plan.js';
import type {RehearsalReport} from '../source/core/rehearse/report.js';
import {type Loose, snapshot} from './helpers/backup-data.js';
import {gatedProject, gateMigrations} from './helpers/gated-project.js';
import {migrationSource, type Project} from './helpers/project.js';
import {openTerminal} from './tui/helpers/tmux.js';

const keys = Object.keys(gateMigrations).map(file => file.replace(/\.ts$/, ''));
const flagDogs = gateMigrations['20261202000000_flag_dogs.ts'];

/** A gated production (helpers/gated-project.ts) with five dogs and an owner. */
async function shop(t: ExecutionContext, options: {requireRehearsal?: unknown} = {}): Promise<Project> {
	const project = await gatedProject(t, {now: '2026-03-01T09:30:00.000Z', ...options});
	const db = project.db('production');
	await db.collection<Loose>('dogs').insertMany(Array.from({length: 5}, (_, index) => ({_id: index, name: `dog ${index}`})));
	await db.collection<Loose>('owners').insertOne({_id: 1});
	return project;
}

/** A refusal: the command's status and its one line (message and hint). */
async function refusal(t: ExecutionContext, project: Project, args: string[]): Promise<{code: number; line: string}> {
	const result = await project.monarch(args);
	t.is(result.stderr.trim().split('\n').length, 1, result.stderr);
	return {code: result.code, line: result.stderr.trim()};
}

const hint = '(run `monarch rehearse production` first, or pass --unrehearsed to run anyway)';

/** Production as it is (its collections and indexes), its lock collection, and the backups folder: what a refusal must leave alone. */
async function untouched(project: Project) {
	const db = project.db('production');
	const locks = await db.listCollections({name: 'monarch_locks'}).toArray();
	const backups = await readdir(path.join(project.dir, 'backups'), {recursive: true}).catch(() => []);
	return {data: await snapshot(db), locks: locks.length, archives: backups.filter(name => name.endsWith('.archive.gz'))};
}

async function rehearse(project: Project, args: string[] = [], env?: NodeJS.ProcessEnv): Promise<RehearsalReport> {
	const result = await project.monarch(['rehearse', 'production', '--json', ...args], env ? {env} : {});
	if (result.code !== 0 && result.code !== 1) throw new Error(`rehearse failed (${result.code}):\n${result.stderr}`);
	return JSON.parse(result.stdout) as RehearsalReport;
}

async function plan(project: Project): Promise<{code: number; plan: MigratePlan}> {
	const result = await project.monarch(['migrate', 'production', '--plan', '--json']);
	return {code: result.code, plan: JSON.parse(result.stdout) as MigratePlan};
}

async function history(project: Project) {
	return project
		.db('production')
		.collection<Loose>('monarch_migrations')
		.find({}, {sort: {_id: 1}})
		.toArray();
}

/** The production server's time now (its `hello`). */
async function serverNow(project: Project): Promise<Date> {
	const reply = await project.db('production').admin().command({hello: 1});
	return reply.localTime as Date;
}

/** The stored report files of the project's local backups. */
async function reportFiles(project: Project): Promise<string[]> {
	return (await readdir(path.join(project.dir, 'backups', 'rehearsals'))).filter(name => name.endsWith('.json'));
}

/** Replaces the project's one stored report by a copy of it whose copy was taken at `takenAt` (by the server's clock). */
async function redate(project: Project, report: RehearsalReport, takenAt: Date): Promise<string> {
	const folder = path.join(project.dir, 'backups', 'rehearsals');
	const id = `production-${takenAt.toISOString().replaceAll(/[-:.]/g, '')}-abcdef`;
	const stored = JSON.parse(await readFile(path.join(folder, `${report.id}.json`), 'utf8')) as RehearsalReport;
	await writeFile(path.join(folder, `${id}.json`), JSON.stringify({...stored, id, takenAt: takenAt.toISOString()}, null, 2));
	await rm(path.join(folder, `${report.id}.json`));
	return id;
}

test('without a rehearsal, migrate and migrate_one refuse in one line (exit 2) and write nothing; --plan exits 3; --unrehearsed runs and history records it', async t => {
	const project = await shop(t);
	const before = await untouched(project);

	const refused = await refusal(t, project, ['migrate', 'production', '--yes']);
	t.is(refused.code, 2);
	t.is(refused.line, `Error: migrate production refused: no rehearsal of production is stored; nothing was changed ${hint}`);
	const one = await refusal(t, project, ['migrate_one', keys[0]!, 'production', '--yes']);
	t.is(one.code, 2);
	t.regex(one.line, /^Error: migrate_one production refused: no rehearsal of production is stored; nothing was changed/);
	const planned = await plan(project);
	t.is(planned.code, 3);
	t.like(planned.plan, {
		passes: false,
		gate: {passed: false, reason: 'none', rehearsal: null},
		requireRehearsal: {within: '24h', querySet: false},
	});
	t.deepEqual(
		planned.plan.pending.map(migration => migration.key),
		keys,
	);
	t.deepEqual(await untouched(project), before);

	const ran = await project.monarch(['migrate', 'production', '--yes', '--unrehearsed']);
	t.is(ran.code, 0, ran.stderr);
	t.regex(ran.stderr, /! Not rehearsed: no rehearsal of production is stored\n/);
	t.regex(ran.stderr, /! Running unrehearsed \(--unrehearsed\): the history records it\n/);
	const entries = await history(project);
	t.deepEqual(
		entries.map(entry => [entry._id, entry.state, entry.unrehearsed, entry.rehearsal]),
		keys.map(key => [key, 'Completed', true, undefined]),
	);
	const listed = await project.monarch(['list_migrations', 'production']);
	t.regex(listed.stdout, /Completed +20261201000000_insert_owners .* ran unrehearsed\n/);
	t.is((await plan(project)).code, 0, 'nothing pending: --plan exits 0');
});

test('after a passing rehearsal --plan exits 0 naming it, and migrate runs with the evidence, recording the rehearsal in history', async t => {
	const project = await shop(t);
	const report = await rehearse(project);
	t.true(report.verdict.passed);
	t.deepEqual(await reportFiles(project), [`${report.id}.json`]);

	const planned = await plan(project);
	t.is(planned.code, 0);
	t.like(planned.plan, {passes: true, gate: {passed: true, reason: null, rehearsal: {id: report.id, passed: true}}});
	t.is(planned.plan.estimate?.copyDocuments, 6);
	t.is(planned.plan.estimate?.targetDocuments, 6);
	const text = await project.monarch(['migrate', 'production', '--plan']);
	t.is(text.code, 0);
	t.regex(
		text.stdout,
		/^migrate production would run 2 pending migrations \(database t_\w+_prod\):\n {2}20261201000000_insert_owners {2}sha256 \w{12}\n/,
	);
	t.regex(
		text.stdout,
		/\nRehearsed \d+ s ago on a copy taken at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: 2 of 2 passed, 2 collections changed\n/,
	);
	t.regex(text.stdout, /\nGate: passes\. Run `monarch migrate production`\.$/m);

	const ran = await project.monarch(['migrate', 'production', '--yes']);
	t.is(ran.code, 0, ran.stderr);
	t.regex(ran.stderr, /Rehearsed \d+ s ago on a copy taken at .*: 2 of 2 passed, 2 collections changed\n/);
	t.regex(ran.stderr, /Estimated ~.* on production \(.* on the copy's 6 documents; 6 there now\)\n/);
	t.regex(ran.stderr, /Safety backup first: t_\w+_prod_before_migrate to backups\/ /);
	t.deepEqual(
		(await history(project)).map(entry => [entry._id, entry.state, entry.rehearsal, entry.unrehearsed]),
		keys.map(key => [key, 'Completed', report.id, undefined]),
	);
});

test('the gate refuses a file edited after its rehearsal (checksum), other migrations, and a failed rehearsal; the latest of a set counts', async t => {
	const project = await shop(t);
	const passed = await rehearse(project);
	const before = await untouched(project);

	const file = path.join(project.dir, 'migrations', '20261202000000_flag_dogs.ts');
	await writeFile(file, `${flagDogs}// edited\n`);
	const edited = await refusal(t, project, ['migrate', 'production', '--yes']);
	t.is(edited.code, 2);
	t.is(
		edited.line,
		`Error: migrate production refused: 20261202000000_flag_dogs changed since ${passed.id} rehearsed it (another checksum); nothing was changed ${hint}`,
	);
	t.like((await plan(project)).plan, {passes: false, gate: {reason: 'changed-file'}});
	await writeFile(file, flagDogs);

	await project.writeMigration(
		'20261203000000_more.ts',
		migrationSource('More', "\t\tawait this.database.collection('more').insertOne({_id: 1});"),
	);
	const other = await refusal(t, project, ['migrate', 'production', '--yes']);
	t.is(other.code, 2);
	t.is(
		other.line,
		`Error: migrate production refused: the latest rehearsal (${passed.id}) was of other migrations: not rehearsed: 20261203000000_more; nothing was changed ${hint}`,
	);
	t.deepEqual(await untouched(project), before);

	// The same three migrations rehearsed twice: a failure, then (fixed) a pass; the latest counts each time.
	await project.writeMigration('20261203000000_more.ts', migrationSource('More', "\t\tthrow new Error('more is broken');"));
	const failedReport = await rehearse(project);
	t.false(failedReport.verdict.passed);
	const failed = await refusal(t, project, ['migrate', 'production', '--yes']);
	t.is(failed.code, 2);
	t.regex(
		failed.line,
		new RegExp(
			`^Error: migrate production refused: the latest rehearsal of these 3 pending migrations \\(${failedReport.id}, a copy taken \\d+ s ago\\) failed: 20261203000000_more: more is broken; nothing was changed`,
		),
	);
	t.deepEqual(await untouched(project), before);

	const ran = await project.monarch(['migrate', 'production', '--yes', '--unrehearsed']);
	t.is(ran.code, 1, 'the broken migration fails for real');
	t.regex(
		ran.stderr,
		/Rehearsal failed \d+ s ago on a copy taken at .*: 2 of 3 passed, 2 collections changed; 20261203000000_more: more is broken\n/,
	);
	const entries = await history(project);
	t.deepEqual(
		entries.map(entry => [entry._id, entry.state, entry.rehearsal, entry.unrehearsed]),
		[
			[keys[0], 'Completed', failedReport.id, true],
			[keys[1], 'Completed', failedReport.id, true],
			['20261203000000_more', 'Failed', failedReport.id, true],
		],
	);
});

test('the gate reads stored reports newest first and stops at the one that decides: an older report it does not need is never read', async t => {
	const project = await shop(t);
	const passed = await rehearse(project);
	const folder = path.join(project.dir, 'backups', 'rehearsals');
	// An older report that cannot be read, and one whose id is not dated as its copy (it would sort out of its time).
	const broken = 'production-20200101T000000000Z-aaaaaa.json';
	await writeFile(path.join(folder, broken), '{"id": "production-2020');
	const stored = JSON.parse(await readFile(path.join(folder, `${passed.id}.json`), 'utf8')) as RehearsalReport;
	const misdated = {...stored, id: 'production-20200102T000000000Z-bbbbbb', takenAt: '2099-01-01T00:00:00.000Z'};
	await writeFile(path.join(folder, `${misdated.id}.json`), JSON.stringify(misdated));

	const decided = await project.monarch(['migrate', 'production', '--plan', '--json']);
	t.is(decided.code, 0, decided.stderr);
	t.like(JSON.parse(decided.stdout) as MigratePlan, {gate: {passed: true, rehearsal: {id: passed.id}}});
	t.notRegex(decided.stderr, /2020010/, 'the reports older than the deciding one are not read');

	// No stored report decides an edited set: every one is read, and the two are skipped, each named once.
	await writeFile(path.join(project.dir, 'migrations', '20261202000000_flag_dogs.ts'), `${flagDogs}// edited\n`);
	const undecided = await project.monarch(['migrate', 'production', '--plan', '--json']);
	t.is(undecided.code, 3, undecided.stderr);
	t.like(JSON.parse(undecided.stdout) as MigratePlan, {gate: {reason: 'changed-file', rehearsal: {id: passed.id}}});
	t.deepEqual(undecided.stderr.trim().split('\n').sort(), [
		`! backups/rehearsals/${broken}: not a rehearsal report: invalid JSON (Unterminated string in JSON at position 23); skipped`,
		`! backups/rehearsals/${misdated.id}.json: not a rehearsal report: its id is not dated 2099-01-01T00:00:00.000Z; skipped`,
	]);
});

test('the age is measured by the server clock: a skewed local clock neither makes an old rehearsal count nor dates a new one', async t => {
	const project = await shop(t);
	// A machine whose clock is 3 years behind rehearses: the report is dated by the server.
	const report = await rehearse(project, [], {MONARCH_NOW: '2023-03-01T09:30:00.000Z'});
	const server = await serverNow(project);
	t.true(
		Math.abs(Date.parse(report.takenAt) - server.getTime()) < 10 * 60_000,
		`takenAt ${report.takenAt}, server ${server.toISOString()}`,
	);

	// The same report, its copy taken 25 h ago by the server's clock.
	const takenAt = new Date(server.getTime() - 25 * 3_600_000);
	const id = await redate(project, report, takenAt);
	// A local clock one hour after that copy would call it 1 h old.
	const skewed = {MONARCH_NOW: new Date(takenAt.getTime() + 3_600_000).toISOString()};
	const refused = await project.monarch(['migrate', 'production', '--yes'], {env: skewed});
	t.is(refused.code, 2);
	t.regex(
		refused.stderr.trim(),
		new RegExp(
			`^Error: migrate production refused: the latest rehearsal of these 2 pending migrations \\(${id}, a copy taken 25 h ago\\) is older than 24h; nothing was changed`,
		),
	);
	const planned = await project.monarch(['migrate', 'production', '--plan', '--json'], {env: skewed});
	t.is(planned.code, 3);
	t.like(JSON.parse(planned.stdout) as MigratePlan, {gate: {reason: 'too-old', rehearsal: {id}}});
	t.is((await history(project)).length, 0);
});

test('in a terminal, the confirmation shows the rehearsal, the safety backup and the estimate before the typed name; an environment never rehearsed says so', async t => {
	const project = await shop(t);
	const report = await rehearse(project);
	const terminal = await openTerminal(t, {cwd: project.dir, columns: 140, rows: 24, args: ['migrate', 'production']});
	const screen = await terminal.waitFor('Type "production" to go on:');
	const lines = screen.split('\n');
	const asked = lines.findIndex(line => line.startsWith('Run 2 pending migrations on protected environment "production"'));
	t.true(asked >= 3, screen);
	t.regex(
		lines[asked - 3]!,
		/^Rehearsed \d+ s ago on a copy taken at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: 2 of 2 passed, 2 collections changed$/,
	);
	t.regex(lines[asked - 2]!, /^Estimated ~.* on production \(.* on the copy's 6 documents; 6 there now\)$/);
	t.regex(
		lines[asked - 1]!,
		/^Safety backup first: t_\w+_prod_before_migrate to backups\/ \(`monarch rollback production` undoes the run\)$/,
	);
	await terminal.type('production');
	await terminal.press('Enter');
	await terminal.waitFor('EXIT=0');
	t.is((await history(project))[0]?.rehearsal, report.id);

	const other = await shop(t, {requireRehearsal: false});
	const second = await openTerminal(t, {cwd: other.dir, columns: 140, rows: 24, args: ['migrate', 'production']});
	const unrehearsed = await second.waitFor('Type "production" to go on:');
	t.regex(unrehearsed, /(?:^|\n)Not rehearsed: no rehearsal of production is stored\nSafety backup first: /);
	await second.press('Enter');
	await second.waitFor('EXIT=2');
	t.is((await history(other)).length, 0);
});
