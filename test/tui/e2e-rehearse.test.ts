import {randomBytes} from 'node:crypto';
import test from 'ava';
import {createProject, migrationSource, testMongoUri} from '../helpers/project.js';
import {openTerminal} from './helpers/tmux.js';

const nameDogs = migrationSource(
	'NameDogs',
	`\t\tawait this.database.collection('dogs').updateMany({_id: {$in: [1, 2]}}, {$set: {name: 'named'}});
\t\tawait this.database.collection('dogs').createIndex({name: 1});`,
);
const birds = migrationSource('Birds', "\t\tawait this.database.collection('birds').insertMany([{_id: 1}, {_id: 2}]);");

test('in a terminal at 80x24, R on production shows the verdict of a rehearsal on a copy, and the report scrolls to its per-collection table', async t => {
	const production = `t_${randomBytes(4).toString('hex')}_prod`;
	const project = await createProject(t, {
		environments: {production: {uri: testMongoUri(), database: production, protected: true}},
		migrations: {'20260101000000_name_dogs.ts': nameDogs, '20260102000000_birds.ts': birds},
	});
	await project
		.db('production')
		.collection<{_id: number}>('dogs')
		.insertMany([{_id: 1}, {_id: 2}, {_id: 3}]);
	// More collections than the 80x24 report shows at once, so it scrolls.
	for (const name of ['cats', 'eels', 'fish', 'owls', 'rats'])
		await project.db('production').collection<{_id: number}>(name).insertOne({_id: 1});
	const terminal = await openTerminal(t, {cwd: project.dir, columns: 80, rows: 24});
	await terminal.waitFor(/› development .* up (?:\d+ ms|[\d.]+ s)[\s\S]*production .* up/);
	await terminal.press('2');
	await terminal.waitFor(/◂ development ▸.*2 migrations, 2 pending/);
	await terminal.press('l');
	// At 80 columns the footer is full before `R rehearse` (it shows on a wider terminal, and in `?`).
	let screen = await terminal.waitFor(/◂ production ▸.*2 migrations, 2 pending/);

	await terminal.press('R');
	screen = await terminal.waitFor('Rehearsal of production');
	let lines = screen.split('\n');
	t.true(lines.length <= 24);
	t.true(lines.every(line => line.length <= 80));
	t.regex(lines[2] ?? '', /^Rehearsal of production +1-15\/19 ↓\/j$/);
	t.regex(
		`${lines[3]}\n${lines[4]}`,
		/^✔ All 2 pending migrations passed on a copy of production taken at\s+\d{4}-\d\d-\d\d\s+\d\d:\d\d:\d\d UTC$/,
	);
	t.regex(screen, /Copied {4}6 collections, 8 documents\n/);
	t.regex(lines[22] ?? '', /↓\/j scroll {2}pgdn page {2}home top {2}end end {2}esc\/q close {2}\? help/);
	t.is(await project.db('production').collection('birds').countDocuments(), 0);

	await terminal.press('End');
	screen = await terminal.waitFor('5-19/19');
	lines = screen.split('\n');
	t.deepEqual(lines.slice(11, 20), [
		'7 collections, 2 changed',
		'COLLECTION BEFORE AFTER +INS -DEL ~CHG INDEXES',
		'birds           0     2    2    0    0',
		'cats            1     1    0    0    0',
		'dogs            3     3    0    0    2 +name_1',
		'eels            1     1    0    0    0',
		'fish            1     1    0    0    0',
		'owls            1     1    0    0    0',
		'rats            1     1    0    0    0',
	]);
	await terminal.press('Home');
	await terminal.waitFor('1-15/19');
	await terminal.press('Escape');
	screen = await terminal.waitFor('Rehearse production done');
	t.regex(screen, /■ All 2 pending migrations passed on a copy of production/);
	await terminal.press('Escape');
	await terminal.waitFor(/◂ production ▸.*2 migrations, 2 pending/);
	t.is(await project.db('production').collection('birds').countDocuments(), 0);
	t.deepEqual(await project.db('production').collection('dogs').find().toArray(), [{_id: 1}, {_id: 2}, {_id: 3}]);
	await terminal.press('q');
	await terminal.waitFor('EXIT=0');
});
