import test from 'ava';
import {gatedProject} from '../helpers/gated-project.js';
import {openTerminal} from './helpers/tmux.js';

/** The screen as one line of words: the dialog's borders and the wrapping of its long lines left out. */
const flat = (screen: string) => screen.replaceAll(/[│╭╮╰╯─]/g, ' ').replaceAll(/\s+/g, ' ');

test('in a terminal at 80x24, m on a production that requires a rehearsal is refused in one line, then after R its dialog shows the evidence before the typed name', async t => {
	const project = await gatedProject(t);
	const production = project.db('production');
	await production.collection<{_id: number}>('dogs').insertMany([{_id: 1}, {_id: 2}, {_id: 3}]);
	const terminal = await openTerminal(t, {cwd: project.dir, columns: 80, rows: 24});
	await terminal.waitFor(/› development .* up[\s\S]*production .* up/);
	await terminal.press('2');
	await terminal.waitFor(/◂ development ▸.*2 migrations, 2 pending/);
	await terminal.press('l');
	await terminal.waitFor(/◂ production ▸.*2 migrations, 2 pending/);

	await terminal.press('m');
	let screen = await terminal.waitFor('Failed: Migrate production', {allowError: true});
	t.regex(flat(screen), /migrate production refused: no rehearsal of production is stored; nothing was changed/);
	t.regex(flat(screen), /What to do: run `monarch rehearse production` first, or pass --unrehearsed to run anyway/);
	t.is((await production.listCollections({name: 'monarch_locks'}).toArray()).length, 0);
	await terminal.press('Escape');
	await terminal.waitFor(shown => shown.includes('Migrate production failed') && !shown.includes('Failed: '), {allowError: true});
	await terminal.press('Escape');
	await terminal.waitFor(/◂ production ▸.*2 migrations, 2 pending/);

	await terminal.press('R');
	await terminal.waitFor('Rehearsal of production');
	await terminal.press('Escape');
	await terminal.waitFor('Rehearse production done');
	await terminal.press('Escape');
	await terminal.waitFor(/◂ production ▸.*2 migrations, 2 pending/);

	await terminal.press('m');
	screen = await terminal.waitFor('Type production to confirm');
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
