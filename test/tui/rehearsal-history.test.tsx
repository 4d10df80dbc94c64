/** @jsxRuntime automatic */
/** @jsxImportSource react */
import {randomBytes} from 'node:crypto';
import {mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {loadConfig} from '../../source/core/config/load.js';
import type {RehearsalReport} from '../../source/core/rehearse/report.js';
import {storeRehearsal} from '../../source/core/rehearse/stored.js';
import {helpSections, keymap} from '../../source/tui/keymap.js';
import {historyCells, historyCursorReducer} from '../../source/tui/state/rehearsal-history.js';
import {createProject, type Project, testMongoUri} from '../helpers/project.js';
import {failedReport, passedReport, querySetReport} from './fixtures/rehearsal-reports.js';
import {openApp} from './helpers/app.js';
import {keys, press, type, waitForText} from './helpers/ink.js';

process.env.MONARCH_CONNECT_TIMEOUT_MS = '2000';

/** The three fixture reports as production's, stored oldest first: the passed one, then the failed one, then the QuerySet one (newest). */
const stored: RehearsalReport[] = [
	{...passedReport, id: 'production-20261128T215003000Z-aaaaaa', takenAt: '2026-11-28T21:50:03.000Z'},
	{...failedReport, id: 'production-20261129T101500000Z-bbbbbb', takenAt: '2026-11-29T10:15:00.000Z'},
	{...querySetReport, id: 'production-20261130T080000000Z-cccccc', takenAt: '2026-11-30T08:00:00.000Z', scrubbed: true},
];

async function shop(t: Parameters<typeof createProject>[0]): Promise<Project> {
	const project = await createProject(t, {
		environments: {production: {uri: testMongoUri(), database: `t_${randomBytes(4).toString('hex')}_prod`, protected: true}},
		config: {backups: {local: {dir: 'backups'}}},
	});
	const config = await loadConfig({cwd: project.dir});
	for (const report of stored) t.deepEqual(await storeRehearsal(config, report), [`backups/rehearsals/${report.id}.json`]);
	return project;
}

/** Opens the Migrations panel on production (development is first). */
async function migrationsOfProduction(app: Awaited<ReturnType<typeof openApp>>) {
	await waitForText(app.lastFrame, /› development .* up/);
	await press(app, '2');
	await waitForText(app.lastFrame, /◂ development ▸/);
	await press(app, 'l');
	return waitForText(app.lastFrame, /◂ production ▸/);
}

test('the history cursor stays inside the rows; a row reads when, QuerySet, scrubbed, verdict, pending and id', t => {
	const sizes = {count: 30, rows: 10};
	t.is(historyCursorReducer(0, {type: 'line', delta: -1, ...sizes}), 0);
	t.is(historyCursorReducer(1, {type: 'line', delta: 3, ...sizes}), 4);
	t.is(historyCursorReducer(28, {type: 'line', delta: 5, ...sizes}), 29);
	t.is(historyCursorReducer(5, {type: 'page', delta: 1, ...sizes}), 15);
	t.is(historyCursorReducer(5, {type: 'page', delta: -1, ...sizes}), 0);
	t.is(historyCursorReducer(5, {type: 'end', ...sizes}), 29);
	t.is(historyCursorReducer(5, {type: 'home', ...sizes}), 0);
	t.is(historyCursorReducer(2, {type: 'line', delta: 1, count: 0, rows: 10}), 0);
	const {cells, passed} = historyCells({id: stored[1]!.id, store: 'local', stores: ['local'], object: 'x', report: stored[1]!});
	t.false(passed);
	t.deepEqual(cells.slice(1), ['-', 'no', '3', 'failed: 20261102000000_unique_emails']);
});

test('H is in the Migrations panel keymap (the help, not the full footer), and the history has its own section in the help', t => {
	t.deepEqual(
		keymap.filter(binding => binding.action === 'rehearsal-history').map(binding => [binding.scope, binding.label, binding.footer]),
		[['migrations', 'H', undefined]],
	);
	const history = helpSections().find(section => section.title === 'Rehearsal history (H)');
	t.deepEqual(
		history?.bindings.map(binding => `${binding.label} ${binding.hint}`),
		['↑/k up', '↓/j move', 'pgup page up', 'pgdn page', 'home top', 'end end', 'enter report', 'r refresh', 'esc/q close'],
	);
});

test('H in the Migrations panel lists the stored rehearsals newest first; enter opens one in the report view, esc goes back to the list, q to the panel', async t => {
	const project = await shop(t);
	// A report that is not one: skipped with one line, never listed.
	await mkdir(path.join(project.dir, 'backups', 'rehearsals'), {recursive: true});
	await writeFile(path.join(project.dir, 'backups', 'rehearsals', 'production-20261201T000000000Z-dddddd.json'), 'not json');
	const app = await openApp(t, project);
	await migrationsOfProduction(app);

	await press(app, 'H');
	let frame = await waitForText(app.lastFrame, '3 rehearsals');
	const lines = frame.split('\n');
	const top = lines.findIndex(line => line.startsWith('Rehearsals of production'));
	t.true(top >= 0, frame);
	t.is(lines[top + 1], '$ monarch list_rehearsals production');
	t.regex(lines[top + 2] ?? '', /^⚠ backups\/rehearsals\/production-20261201T000000000Z-dddddd\.json: not a rehearsal report: invalid JS/);
	t.regex(lines[top + 3] ?? '', /^ {2}WHEN +QUERYSET +SCRUB +PENDING +VERDICT$/);
	t.regex(lines[top + 4] ?? '', /^› \d{4}-\d\d-\d\d \d\d:\d\d AccountQuerySet +yes +1 +passed$/);
	t.regex(lines[top + 5] ?? '', /^ {2}\d{4}-\d\d-\d\d \d\d:\d\d - +no +3 +failed: 20261102000000_unique_emails$/);
	t.regex(lines[top + 6] ?? '', /^ {2}\d{4}-\d\d-\d\d \d\d:\d\d - +no +2 +passed$/);
	t.is(lines[top + 7], '  id production-20261130T080000000Z-cccccc · by ana@laptop · monarch 0.2.0');
	t.regex(frame, /↓\/j move {2}enter report {2}r refresh {2}esc\/q close/);

	await press(app, 'j');
	await waitForText(app.lastFrame, /› .*failed: 20261102000000_unique_emails[\s\S]*id production-20261129T101500000Z-bbbbbb/);
	await press(app, keys.enter);
	frame = await waitForText(app.lastFrame, 'Rehearsal of production');
	t.regex(frame, /✘ 20261102000000_unique_emails failed on a copy of production taken at 2026-11-28/);
	t.regex(frame, /esc\/q close/);

	await press(app, keys.escape);
	frame = await waitForText(app.lastFrame, /› .*failed: 20261102000000_unique_emails/);
	t.false(frame.includes('Rehearsal of production'));
	await press(app, 'q');
	frame = await waitForText(app.lastFrame, /◂ production ▸/);
	t.false(frame.includes('Rehearsals of production'));
});

test(':list_rehearsals in the palette opens the history of the environment shown (or the one named); an environment with none says how to make one', async t => {
	const project = await shop(t);
	const app = await openApp(t, project);
	await migrationsOfProduction(app);

	await press(app, ':');
	await waitForText(app.lastFrame, /^:/m);
	await type(app, 'list_rehearsals');
	await press(app, keys.enter);
	await waitForText(app.lastFrame, /Rehearsals of production +3 rehearsals/);
	await press(app, keys.escape);
	await waitForText(app.lastFrame, /◂ production ▸/);

	await press(app, ':');
	await waitForText(app.lastFrame, /^:/m);
	await type(app, 'list_rehearsals development');
	await press(app, keys.enter);
	const frame = await waitForText(app.lastFrame, /Rehearsals of development +0 rehearsals/);
	t.regex(frame, /no rehearsal of development stored yet: R in the Migrations panel runs one/);
});
