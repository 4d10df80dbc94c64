/** @jsxRuntime automatic */
/** @jsxImportSource react */
import {randomBytes} from 'node:crypto';
import {copyFile} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {createProject, migrationSource, type Project, testMongoUri} from '../helpers/project.js';
import {openApp} from './helpers/app.js';
import {keys, press, type, waitForFrame, waitForText} from './helpers/ink.js';

process.env.MONARCH_CONNECT_TIMEOUT_MS = '2000';

/** Names two dogs, adds a third with an index on names, and removes a cat. */
const nameDogs = migrationSource(
	'NameDogs',
	`\t\tconst dogs = this.database.collection('dogs');
\t\tawait dogs.updateMany({_id: {$in: [1, 2]}}, {$set: {name: 'named'}});
\t\tawait dogs.insertOne({_id: 4, name: 'new'});
\t\tawait dogs.createIndex({name: 1});
\t\tawait this.database.collection('cats').deleteOne({_id: 1});
\t\tthis.log('named 2 dogs');`,
);
const birds = migrationSource('Birds', "\t\tawait this.database.collection('birds').insertMany([{_id: 1}, {_id: 2}]);");
const broken = migrationSource('Broken', "\t\tthrow new Error('birds cannot swim');");

/** A project whose protected `production` holds 3 dogs and 2 cats: rehearsals copy it into `development`'s server. */
async function shop(t: Parameters<typeof createProject>[0], migrations: Record<string, string>): Promise<Project> {
	const project = await createProject(t, {
		environments: {production: {uri: testMongoUri(), database: `t_${randomBytes(4).toString('hex')}_prod`, protected: true}},
		migrations,
	});
	await project
		.db('production')
		.collection<{_id: number}>('dogs')
		.insertMany([{_id: 1}, {_id: 2}, {_id: 3}]);
	await project
		.db('production')
		.collection<{_id: number}>('cats')
		.insertMany([{_id: 1}, {_id: 2}]);
	return project;
}

/** Every document, index and history entry of an environment's database, to compare before and after. */
async function contents(project: Project, environment: string) {
	const db = project.db(environment);
	const names = (await db.listCollections({}, {nameOnly: true}).toArray()).map(entry => entry.name).sort();
	return Promise.all(
		names.map(async name => ({
			name,
			documents: await db.collection(name).find().sort({_id: 1}).toArray(),
			indexes: await db.collection(name).indexes(),
		})),
	);
}

/** A report line with what depends on the clock or the machine's speed replaced: the copy's time (AT), the scratch database's stamp (STAMP), a duration and the padding before it at the end of a row (TIME). */
function normalize(line: string): string {
	return line
		.replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/, 'AT')
		.replace(/_rehearsal_\d{8}_\d{6}/, '_rehearsal_STAMP')
		.replace(/ +(?:\d+ ms|[\d.]+ s)$/, ' TIME')
		.replace(/(?:\d+ ms|[\d.]+ s)\b/g, 'TIME');
}

/** Databases left on the server by a rehearsal of `project`'s production. */
async function scratchDatabases(project: Project): Promise<string[]> {
	const {databases} = await project.client.db().admin().listDatabases({nameOnly: true});
	return databases.map(entry => entry.name).filter(name => name.startsWith(`${project.databases.production}_rehearsal_`));
}

/** Opens the Migrations panel on production (development is first). */
async function migrationsOfProduction(app: Awaited<ReturnType<typeof openApp>>) {
	await waitForText(app.lastFrame, /› development .* up/);
	await press(app, '2');
	await waitForText(app.lastFrame, /◂ development ▸/);
	await press(app, 'l');
	return waitForText(app.lastFrame, /◂ production ▸.*2 migrations, 2 pending/);
}

test.serial(
	'R in the Migrations panel rehearses production on a copy: the report shows the verdict and exact counts, production is untouched, v reopens the report',
	async t => {
		const project = await shop(t, {'20260101000000_name_dogs.ts': nameDogs, '20260102000000_birds.ts': birds});
		const before = await contents(project, 'production');
		const app = await openApp(t, project);
		await migrationsOfProduction(app);

		await press(app, 'R');
		const frame = await waitForText(app.lastFrame, 'Rehearsal of production');
		const lines = frame.split('\n').map(normalize);
		const top = lines.indexOf('Rehearsal of production');
		t.deepEqual(lines.slice(top + 1, top + 18), [
			'✔ All 2 pending migrations passed on a copy of production taken at AT',
			`Source    production (database ${project.databases.production})`,
			'Copy      taken AT, in TIME',
			'Copied    2 collections, 5 documents',
			`Scratch   ${project.databases.production}_rehearsal_STAMP on development: dropped`,
			'QuerySet  none (the whole database)',
			'',
			`  STATE     MIGRATION${' '.repeat(71)}DURATION`,
			'✔ Completed 20260101000000_name_dogs TIME',
			'            │ named 2 dogs',
			'✔ Completed 20260102000000_birds TIME',
			'',
			'3 collections, 3 changed',
			'COLLECTION BEFORE AFTER +INS -DEL ~CHG INDEXES',
			'birds           0     2    2    0    0',
			'cats            2     1    0    1    0',
			'dogs            3     4    1    0    2 +name_1',
		]);

		// The copy was made, migrated and dropped: production itself is as it was, history included.
		t.deepEqual(await contents(project, 'production'), before);
		t.deepEqual(await scratchDatabases(project), []);

		await press(app, keys.escape);
		let job = await waitForText(app.lastFrame, 'Rehearse production done');
		t.regex(job, /■ All 2 pending migrations passed on a copy of production taken at/);
		t.regex(job, /esc\/enter\/q close {2}v report/);
		await press(app, 'v');
		await waitForText(app.lastFrame, 'Rehearsal of production');
		await press(app, 'q');
		job = await waitForText(app.lastFrame, 'Rehearse production done');
		await press(app, keys.escape);
		t.regex(await waitForText(app.lastFrame, /◂ production ▸.*2 migrations, 2 pending/), /◂ production ▸.*2 migrations, 2 pending/);
	},
);

test.serial(
	'a rehearsal whose second migration fails: a red verdict naming it, the third not run, production untouched; a rehearsal that cannot run is the job error',
	async t => {
		const project = await shop(t, {
			'20260101000000_name_dogs.ts': nameDogs,
			'20260102000000_broken.ts': broken,
			'20260103000000_birds.ts': birds,
		});
		const before = await contents(project, 'production');
		const app = await openApp(t, project);
		await waitForText(app.lastFrame, /› development .* up/);
		await press(app, '2');
		await waitForText(app.lastFrame, /◂ development ▸.*3 migrations, 3 pending/);

		// development is the only environment a rehearsal could be copied into: it cannot rehearse itself.
		await press(app, 'R');
		let frame = await waitForText(app.lastFrame, 'Failed: Rehearse development');
		t.regex(frame, /rehearse development: no environment in monarch\.json can hold the rehearsal/);
		await press(app, keys.escape);
		await waitForText(app.lastFrame, 'Rehearse development failed');
		await press(app, keys.escape);
		await waitForText(app.lastFrame, /◂ development ▸.*3 migrations, 3 pending/);

		await press(app, 'l');
		await waitForText(app.lastFrame, /◂ production ▸.*3 migrations, 3 pending/);
		await press(app, 'R');
		frame = await waitForText(app.lastFrame, 'Rehearsal of production');
		// The verdict wraps where the width says: any space may be a line break.
		t.regex(
			frame,
			new RegExp(
				String.raw`✘ 20260102000000_broken failed on a copy of production taken at \S+ \S+ UTC: birds cannot swim \(1 of 3 pending migrations passed before it\)`.replaceAll(
					' ',
					String.raw`\s+`,
				),
			),
		);
		t.regex(frame, /✔ Completed 20260101000000_name_dogs\s+(?:\d+ ms|[\d.]+ s)\n/);
		t.regex(frame, /✘ Failed {4}20260102000000_broken\s+(?:\d+ ms|[\d.]+ s)\n {12}✘ birds cannot swim\n/);
		t.regex(frame, /· Not run {3}20260103000000_birds\s+-\n/);
		await press(app, keys.end);
		frame = await waitForText(app.lastFrame, /dogs {12}3 {5}4 {4}1 {4}0 {4}2 \+name_1/);
		t.regex(frame, /cats {12}2 {5}1 {4}0 {4}1 {4}0/);
		t.false(frame.includes('birds           0'));
		t.deepEqual(await contents(project, 'production'), before);
		t.deepEqual(await scratchDatabases(project), []);

		await press(app, keys.escape);
		frame = await waitForText(app.lastFrame, 'Rehearse production done');
		t.regex(frame, /✘ 20260102000000_broken failed on a copy of production/);
	},
);

test.serial(
	"R offers a QuerySet as the backup job does: the rehearsal runs on AccountQuerySet's part, with its answer and an estimate",
	async t => {
		const project = await createProject(t, {
			environments: {production: {uri: testMongoUri(), database: `t_${randomBytes(4).toString('hex')}_prod`, protected: true}},
			migrations: {'20260101000000_birds.ts': birds},
		});
		await copyFile(
			fileURLToPath(new URL('../../querysets/account.ts', import.meta.url)),
			path.join(project.dir, 'querysets', 'account.ts'),
		);
		await project
			.db('production')
			.collection<{_id: number; name: string}>('accounts')
			.insertMany([
				{_id: 41, name: 'other'},
				{_id: 42, name: 'acme'},
			]);
		await project
			.db('production')
			.collection<{_id: number; account_id: number}>('campaigns')
			.insertMany([
				{_id: 1, account_id: 42},
				{_id: 2, account_id: 41},
				{_id: 3, account_id: 42},
			]);
		const app = await openApp(t, project);
		await waitForText(app.lastFrame, /› development .* up/);
		await press(app, '2');
		await waitForText(app.lastFrame, /◂ development ▸/);
		await press(app, 'l');
		await waitForText(app.lastFrame, /◂ production ▸.*1 migration, 1 pending/);

		await press(app, 'R');
		await waitForText(
			app.lastFrame,
			/Rehearse on a copy of all of production, or only of what a QuerySet picks\?[\s\S]*❯ \(whole database\)/,
		);
		await press(app, keys.down);
		await waitForText(app.lastFrame, '❯ AccountQuerySet');
		await press(app, keys.enter);
		await waitForText(app.lastFrame, 'Please enter an account id');
		await type(app, '42');
		await press(app, keys.enter);
		const frame = await waitForFrame(app.lastFrame, shown => shown.includes('Rehearsal of production'), 'the report');
		t.regex(frame, /✔ The 1 pending migration passed on a copy of production \(QuerySet AccountQuerySet\) taken at/);
		t.regex(frame, /Copied {4}2 collections, 3 of the source's 5 documents\n/);
		t.regex(frame, /QuerySet {2}AccountQuerySet accountId=42\n/);
		t.regex(frame, / {2}STATE {5}MIGRATION {2,}DURATION {2}ESTIMATE\n/);
		t.regex(frame, /ESTIMATE: each duration scaled by the source's 5 documents over the 3/);
		t.regex(frame, /accounts {8}1 {5}1 {4}0 {4}0 {4}0\n/);
	},
);
