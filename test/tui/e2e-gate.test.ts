import {readdir} from 'node:fs/promises';
import path from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {gatedProject, gateMigrations} from '../helpers/gated-project.js';
import type {Project} from '../helpers/project.js';
import {openTerminal, type Terminal} from './helpers/tmux.js';

/** The screen as one line of words: the dialog's borders and the wrapping of its long lines left out. */
const flat = (screen: string) => screen.replaceAll(/[│╭╮╰╯─]/g, ' ').replaceAll(/\s+/g, ' ');

/** The refusal's dialog: the refusal line whole (yellow: no rehearsal), `R`, and the typed confirmation, inside 80x24. */
async function refusedDialog(t: ExecutionContext, terminal: Terminal): Promise<void> {
	await terminal.press('m');
	const screen = await terminal.waitFor('Or type production unrehearsed to confirm');
	const lines = screen.split('\n');
	t.true(lines.length <= 24 && lines.every(line => line.length <= 80));
	const dialog = flat(screen);
	t.true(dialog.includes('migrate production refused: no rehearsal of production is stored; nothing was changed'));
	t.true(dialog.includes('R rehearse production now'));
	t.true(dialog.indexOf('refused') < dialog.indexOf('Or type production unrehearsed'));
}

/** Opens the TUI on the gated project's production, in the Migrations panel. */
async function openProduction(t: ExecutionContext, project: Project): Promise<Terminal> {
	const terminal = await openTerminal(t, {cwd: project.dir, columns: 80, rows: 24});
	await terminal.waitFor(/› development .* up[\s\S]*production .* up/);
	await terminal.press('2');
	await terminal.waitFor(/◂ development ▸.*2 migrations, 2 pending/);
	await terminal.press('l');
	await terminal.waitFor(/◂ production ▸.*2 migrations, 2 pending/);
	return terminal;
}

test('in a terminal at 80x24, m on a production that requires a rehearsal is refused in a dialog, R there rehearses, then its dialog shows the evidence before the typed name', async t => {
	const project = await gatedProject(t);
	const production = project.db('production');
	await production.collection<{_id: number}>('dogs').insertMany([{_id: 1}, {_id: 2}, {_id: 3}]);
	const terminal = await openProduction(t, project);

	await refusedDialog(t, terminal);
	t.is((await production.listCollections({name: 'monarch_locks'}).toArray()).length, 0);
	await terminal.press('R');
	await terminal.waitFor('Rehearsal of production');
	await terminal.press('Escape');
	await terminal.waitFor('Rehearse production done');
	await terminal.press('Escape');
	await terminal.waitFor(/◂ production ▸.*2 migrations, 2 pending/);

	await terminal.press('m');
	const screen = await terminal.waitFor('Type production to confirm');
	const lines = screen.split('\n');
	t.true(lines.length <= 24 && lines.every(line => line.length <= 80));
	const dialog = flat(screen);
	t.regex(dialog, /Rehearsed \d+ s ago on a copy taken at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: 2 of 2 passed, 2 collections changed/);
	t.regex(dialog, /Estimated ~.* on production \(.* on the copy's 3 documents; 3 there now\)/);
	t.regex(dialog, /Safety backup first: t_\w+_prod_before_migrate to backups\/ \(`monarch rollback production` undoes the run\)/);
	t.true(dialog.indexOf('Rehearsed') < dialog.indexOf('Type production to confirm'));
	await terminal.type('production');
	await terminal.press('Enter');
	await terminal.waitFor('Ran 2 migrations on production');
	t.is(await production.collection('owners').countDocuments(), 2);
	await terminal.press('Escape');
	await terminal.waitFor(/◂ production ▸.*2 migrations, 0 pending/);
	await terminal.press('q');
	await terminal.waitFor('EXIT=0');
});

test('in a terminal at 80x24, esc at the refusal writes nothing; typing `production unrehearsed` runs past the gate and history records it as --unrehearsed does', async t => {
	const project = await gatedProject(t);
	const production = project.db('production');
	await production.collection<{_id: number}>('dogs').insertMany([{_id: 1}, {_id: 2}, {_id: 3}]);
	const terminal = await openProduction(t, project);
	const written = async () => ({
		collections: (await production.listCollections().toArray()).map(collection => collection.name).sort(),
		history: await production.collection('monarch_migrations').countDocuments(),
		backups: await readdir(path.join(project.dir, 'backups')).catch(() => []),
	});
	const before = await written();

	await refusedDialog(t, terminal);
	await terminal.press('Escape');
	let screen = await terminal.waitFor('Migrate production stopped');
	t.true(flat(screen).includes('Cancelled: Run it anyway, unrehearsed (the history records it); nothing was changed'));
	t.deepEqual(await written(), before);
	await terminal.press('Escape');
	await terminal.waitFor(/◂ production ▸.*2 migrations, 2 pending/);

	await refusedDialog(t, terminal);
	await terminal.type('production unrehearsed');
	await terminal.press('Enter');
	screen = await terminal.waitFor('Ran 2 migrations on production');
	const lines = screen.split('\n');
	t.true(lines.length <= 24 && lines.every(line => line.length <= 80));
	t.false(screen.includes('Type production to confirm'), 'the typed name was the confirmation');
	t.true(flat(screen).includes('$ monarch migrate production --yes --unrehearsed'));
	t.true(flat(screen).includes('! Running unrehearsed (--unrehearsed): the history records it'));
	const listed = await project.monarch(['list_migrations', 'production', '--json']);
	const {migrations} = JSON.parse(listed.stdout) as {migrations: Array<{key: string; state: string; unrehearsed?: boolean}>};
	t.deepEqual(
		migrations.map(({key, state, unrehearsed}) => ({key, state, unrehearsed})),
		Object.keys(gateMigrations).map(file => ({key: file.replace(/\.ts$/, ''), state: 'Completed', unrehearsed: true})),
	);
	await terminal.press('Escape');
	await terminal.waitFor(/◂ production ▸.*2 migrations, 0 pending/);
	await terminal.press('q');
	await terminal.waitFor('EXIT=0');
});
