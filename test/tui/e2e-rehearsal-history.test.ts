import {randomBytes} from 'node:crypto';
import test from 'ava';
import {createProject, migrationSource, testMongoUri} from '../helpers/project.js';
import {openTerminal} from './helpers/tmux.js';

const birds = migrationSource('Birds', "\t\tawait this.database.collection('birds').insertMany([{_id: 1}, {_id: 2}]);");

test('in a terminal at 80x24, R stores the rehearsal, H lists it with its id, enter opens its report, esc back to the list, q to the panel', async t => {
	const project = await createProject(t, {
		environments: {production: {uri: testMongoUri(), database: `t_${randomBytes(4).toString('hex')}_prod`, protected: true}},
		migrations: {'20260102000000_birds.ts': birds},
		config: {backups: {local: {dir: 'backups'}}},
	});
	await project
		.db('production')
		.collection<{_id: number}>('dogs')
		.insertMany([{_id: 1}, {_id: 2}]);
	const terminal = await openTerminal(t, {cwd: project.dir, columns: 80, rows: 24});
	await terminal.waitFor(/› development .* up (?:\d+ ms|[\d.]+ s)[\s\S]*production .* up/);
	await terminal.press('2');
	await terminal.waitFor(/◂ development ▸.*1 migration, 1 pending/);
	await terminal.press('l');
	await terminal.waitFor(/◂ production ▸.*1 migration, 1 pending/);

	// No rehearsal yet.
	await terminal.press('H');
	let screen = await terminal.waitFor(/Rehearsals of production +0 rehearsals/);
	t.regex(screen, /no rehearsal of production stored yet: R in the Migrations panel runs one/);
	await terminal.press('q');
	await terminal.waitFor(/◂ production ▸.*1 migration, 1 pending/);

	await terminal.press('R');
	screen = await terminal.waitFor('Rehearsal of production');
	await terminal.press('Escape');
	screen = await terminal.waitFor('Rehearse production done');
	t.regex(screen, /Report stored: backups\/rehearsals\/production-\d{8}T\d{9}Z-[0-9a-f]{6}\.json/);
	await terminal.press('Escape');
	await terminal.waitFor(/◂ production ▸.*1 migration, 1 pending/);

	await terminal.press('H');
	screen = await terminal.waitFor(/Rehearsals of production +1 rehearsal/);
	const lines = screen.split('\n');
	t.true(lines.length <= 24 && lines.every(line => line.length <= 80), screen);
	const top = lines.findIndex(line => line.startsWith('Rehearsals of production'));
	t.is(lines[top + 1], '$ monarch list_rehearsals production');
	t.regex(lines[top + 2] ?? '', /^ {2}WHEN +QUERYSET +SCRUB +PENDING +VERDICT *$/);
	t.regex(lines[top + 3] ?? '', /^› \d{4}-\d\d-\d\d \d\d:\d\d - +no +1 +passed *$/);
	t.regex(lines[top + 4] ?? '', /^ {2}id production-\d{8}T\d{9}Z-[0-9a-f]{6} · by .+@.+ · monarch \d+\.\d+\.\d+/);
	t.regex(lines[22] ?? '', /↓\/j move {2}enter report {2}r refresh {2}esc\/q close {2}\? help/);

	await terminal.press('Enter');
	screen = await terminal.waitFor('Rehearsal of production');
	t.regex(screen, /✔ The 1 pending migration passed on a copy of production taken at/);
	await terminal.press('Escape');
	await terminal.waitFor(/Rehearsals of production +1 rehearsal/);
	await terminal.press('q');
	await terminal.waitFor(/◂ production ▸.*1 migration, 1 pending/);
	t.is(await project.db('production').collection('birds').countDocuments(), 0);
	await terminal.press('q');
	await terminal.waitFor('EXIT=0');
});
