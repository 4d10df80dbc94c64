import test from 'ava';
import {key, rules, scrubProject} from '../scrub/helpers.js';
import {openTerminal} from './helpers/tmux.js';

// The tmux server, started by this process, passes its environment to monarch.
process.env.MONARCH_SCRUB_KEY = key.MONARCH_SCRUB_KEY;

test('in a terminal at 80x24, P on production opens its privacy view: counts, paths, classification and suggestions, scrolled with j', async t => {
	const {phone, ...accounts} = rules.accounts;
	const {project} = await scrubProject(t, {scrub: {...rules, accounts}});
	const terminal = await openTerminal(t, {cwd: project.dir, columns: 80, rows: 24});
	await terminal.waitFor(/› development .* up (?:\d+ ms|[\d.]+ s)[\s\S]*production .* up/);
	await terminal.press('Down');
	let screen = await terminal.waitFor(/privacy: 18 paths classified, 1 not · P to review/);
	t.regex(screen, /› production /);
	await terminal.press('P');
	screen = await terminal.waitFor(/Privacy of production[\s\S]*privacy: 18 paths classified, 1 not \(samples of up to 1000/);
	t.regex(screen, /\$ monarch scrub_suggest production/);
	t.regex(screen, /accounts 300 documents sampled, classified by field/);
	t.regex(screen, / {2}phone +string +100% unclassified +fake\.phone\n +the name says a phone number/);
	t.regex(screen, /↓\/j scroll +w write +a audit/);
	t.true(screen.split('\n').every(line => line.length <= 80));
	const first = /(\d+)-\d+\/\d+ ↓\/j/.exec(screen)?.[1];
	t.is(first, '1');
	await terminal.press('j');
	screen = await terminal.waitFor(/ 2-\d+\/\d+ ↓\/j/);
	t.notRegex(screen, /accounts 300 documents sampled/, 'the first line scrolled away');
	await terminal.press('q');
	screen = await terminal.waitFor(shown => !shown.includes('Privacy of production') && shown.includes('q quit'));
	t.regex(screen, /› production /);
	await terminal.press('q');
	await terminal.waitFor('EXIT=0');
});
