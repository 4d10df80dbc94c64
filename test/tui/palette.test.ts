import test from 'ava';
import type {BackupEntry} from '../../source/core/backups/catalogue.js';
import type {Environment} from '../../source/core/environments.js';
import {type PaletteData, paletteCommands, usageOf} from '../../source/tui/palette/commands.js';
import {
	completeLine,
	initialPaletteState,
	type PaletteAction,
	type PaletteState,
	paletteReducer,
	parseLine,
} from '../../source/tui/palette/palette-state.js';

const environment = (name: string, isProtected = false): Environment => ({
	name,
	uri: 'mongodb://127.0.0.1:1/',
	displayUri: 'mongodb://127.0.0.1:1/',
	database: `shop_${name}`,
	hosts: ['127.0.0.1:1'],
	protected: isProtected,
	protectionReason: isProtected ? 'protected: true' : undefined,
	description: undefined,
	personalData: false,
	missingVariables: [],
	requireRehearsal: undefined,
});

const backup = (archive: string, state: BackupEntry['state'] = 'complete'): BackupEntry => ({
	archive,
	location: 'local',
	store: 'backups/',
	size: 100,
	environment: 'production',
	database: 'shop',
	createdAt: new Date('2026-11-23T10:00:00Z'),
	querySet: null,
	subset: null,
	partial: false,
	state,
	...(state === 'incomplete' ? {problem: 'no manifest'} : {}),
});

const data: PaletteData = {
	environments: [environment('development'), environment('staging', true), environment('production', true)],
	backups: [
		backup('shop__2026_11_23.archive.gz'),
		backup('shop__2026_11_22.archive.gz'),
		backup('shop_before_restore__2026_11_20.archive.gz'),
		backup('broken__2026_11_01.archive.gz', 'incomplete'),
	],
	migrations: ['20260101000000_add_dogs', '20260102000000_cats'],
	querySets: ['AccountQuerySet', 'AwesomeDogsQuerySet'],
};

/** The table's command names, as the errors list them (the integrator adds commands: these follow). */
const known = paletteCommands.map(command => command.name);

const complete = (text: string, given: PaletteData = data) => completeLine(text, paletteCommands, given);
const parse = (text: string, given: PaletteData = data) => parseLine(text, paletteCommands, given);

test('the subset flags: free text, a direction, a switch', t => {
	const parsed = parse('copy_db production:staging --subset accounts:{"plan":"pro"} --follow both --subset-only --seed s1');
	t.true(parsed.ok);
	if (parsed.ok) {
		t.deepEqual(parsed.input.options, {follow: 'both', subsetOnly: 'true', seed: 's1'});
		t.deepEqual(parsed.input.lists, {subset: ['accounts:{"plan":"pro"}']});
	}
	const wrong = parse('copy_db production:staging --subset accounts:2% --follow up');
	t.false(wrong.ok);
	if (!wrong.ok) t.is(wrong.error, '--follow up: down or both');
	t.deepEqual(complete('copy_db production:staging --follow b'), {text: 'copy_db production:staging --follow both ', candidates: []});
});

test('--subset repeats as on the command line, every root kept in order; a quoted word keeps its spaces; another option given twice is refused', t => {
	const parsed = parse(`backup production --subset accounts:2% --subset 'campaigns:{"state": "live"}' --seed "a seed"`);
	t.true(parsed.ok, parsed.ok ? '' : parsed.error);
	if (parsed.ok) {
		t.deepEqual(parsed.input.lists, {subset: ['accounts:2%', 'campaigns:{"state": "live"}']});
		t.deepEqual(parsed.input.options, {seed: 'a seed'});
	}

	const twice = parse('backup production --subset accounts:2% --seed s1 --seed s2');
	t.false(twice.ok);
	if (!twice.ok) t.regex(twice.error, /^--seed is given twice: keep one; usage: backup <env> /);
	const open = parse(`backup production --subset 'accounts:{"plan": "pro"}`);
	t.false(open.ok);
	if (!open.ok) t.is(open.error, 'a quote is not closed: end the word "accounts:{"plan": "pro"}" with the quote it starts with');
	t.like(complete("backup 'prod"), {text: "backup 'prod", error: 'a quoted word is not completed: type it'});
});

test('the command table: each command written as on the command line', t => {
	t.deepEqual(
		paletteCommands.map(command => usageOf(command)),
		[
			'migrate <env>',
			'migrate_one <key> <env>',
			'backup <env> [-q <QuerySet>] [--subset <collection:filter|n%>]... [--follow <down|both>] [--subset-only] [--seed <seed>]',
			'restore <backup>:<env>',
			'copy_db <from>:<to> [-q <QuerySet>] [--subset <collection:filter|n%>]... [--follow <down|both>] [--subset-only] [--seed <seed>]',
			'drop_db <env>',
			'rehearse <env> [-q <QuerySet>] [--subset <collection:filter|n%>]... [--follow <down|both>] [--subset-only] [--seed <seed>]',
			'rollback <env>',
			'unlock <env>',
			'list_rehearsals [<env>]',
			'scrub_suggest <env>',
			'scrub_audit <source>:<target>',
			'references suggest <env>',
		],
	);
});

test('a subcommand (references suggest) is parsed and completed as its two words', t => {
	const parsed = parse('references suggest production');
	if (!parsed.ok) return t.fail(parsed.error);
	t.deepEqual([parsed.command.name, parsed.input.values], ['references suggest', ['production']]);
	const error = (text: string) => {
		const result = parse(text);
		return result.ok ? 'parsed' : result.error;
	};

	t.is(error('references'), 'usage: references suggest <env>');
	t.is(error('references suggest'), 'usage: references suggest <env>');
	t.is(error('references suggest prod'), 'unknown environment "prod": known environments are development, staging, production');
	t.is(complete('refer').text, 'references suggest ');
	t.is(complete('references ').text, 'references suggest ');
	t.is(complete('references s').text, 'references suggest ');
	t.is(complete('references suggest prod').text, 'references suggest production ');
});

test('parse: the CLI grammar, names checked, values in order', t => {
	const migrate = parse('migrate staging');
	t.true(migrate.ok);
	if (migrate.ok) t.deepEqual([migrate.command.name, migrate.input], ['migrate', {values: ['staging'], options: {}, lists: {}}]);
	const restore = parse('  restore shop__2026_11_23:staging ');
	if (!restore.ok) return t.fail(restore.error);
	t.deepEqual([restore.command.name, restore.input.values], ['restore', ['shop__2026_11_23', 'staging']]);
	t.true(parse('restore shop__2026_11_23.archive.gz:development').ok);
	const copy = parse('copy-db production:development -q AccountQuerySet');
	if (!copy.ok) return t.fail(copy.error);
	t.deepEqual(
		[copy.command.name, copy.input],
		['copy_db', {values: ['production', 'development'], options: {querySet: 'AccountQuerySet'}, lists: {}}],
	);
	const one = parse('migrate_one 20260102000000_cats development');
	if (!one.ok) return t.fail(one.error);
	t.deepEqual(one.input.values, ['20260102000000_cats', 'development']);
	const whole = parse('backup production');
	if (!whole.ok) return t.fail(whole.error);
	t.deepEqual(whole.input.options, {});
});

test('parse: an optional argument may be left out, is checked when given, and takes no second value', t => {
	const all = parse('list_rehearsals');
	if (!all.ok) return t.fail(all.error);
	t.deepEqual([all.command.name, all.input.values], ['list_rehearsals', []]);
	const one = parse('list-rehearsals production');
	if (!one.ok) return t.fail(one.error);
	t.deepEqual(one.input.values, ['production']);
	const unknown = parse('list_rehearsals prod');
	t.deepEqual(unknown, {ok: false, error: 'unknown environment "prod": known environments are development, staging, production'});
	const two = parse('list_rehearsals production staging');
	t.deepEqual(two, {ok: false, error: 'usage: list_rehearsals [<env>]'});
	t.deepEqual(complete('list_rehearsals prod').text, 'list_rehearsals production ');
});

test('parse errors: one line naming what is wrong and what is known', t => {
	const error = (text: string, given?: PaletteData) => {
		const parsed = parse(text, given);
		return parsed.ok ? 'parsed' : parsed.error;
	};

	t.deepEqual(known.slice(0, 6), ['migrate', 'migrate_one', 'backup', 'restore', 'copy_db', 'drop_db']);
	t.is(error(''), `type a command: ${known.join(', ')}`);
	t.is(error('migrat staging'), `unknown command "migrat": known commands are ${known.join(', ')}`);
	t.is(error('migrate prod'), 'unknown environment "prod": known environments are development, staging, production');
	t.is(error('migrate'), 'usage: migrate <env>');
	t.is(error('migrate staging production'), 'usage: migrate <env>');
	t.is(error('restore shop__2026_11_23'), 'expected <backup>:<env>, got "shop__2026_11_23"; usage: restore <backup>:<env>');
	t.is(
		error('restore shop__2026_01_01:staging'),
		'unknown backup "shop__2026_01_01": known backups are shop__2026_11_23, shop__2026_11_22, shop_before_restore__2026_11_20',
	);
	t.is(error('restore broken__2026_11_01:staging'), 'backup "broken__2026_11_01" is incomplete (no manifest): it cannot be restored');
	t.is(error('restore shop__2026_11_23:staging', {...data, backups: undefined}), 'the backups are still being read: try again in a moment');
	t.is(
		error('restore shop__2026_11_23:staging', {...data, backups: undefined, unreadable: {backup: 'No backups configured'}}),
		'cannot read the backups: No backups configured',
	);
	t.is(error('copy_db production:prod'), 'unknown environment "prod": known environments are development, staging, production');
	const backupUsage =
		'backup <env> [-q <QuerySet>] [--subset <collection:filter|n%>]... [--follow <down|both>] [--subset-only] [--seed <seed>]';
	t.is(error('backup production -x'), `unknown option "-x" for backup; usage: ${backupUsage}`);
	t.is(error('backup production -q'), `-q needs a QuerySet name; usage: ${backupUsage}`);
	t.is(
		error('migrate_one 20260103000000_nope development'),
		'unknown migration "20260103000000_nope": known migrations are 20260101000000_add_dogs, 20260102000000_cats',
	);
});

test('tab completes the command, then environments, backups, migrations, QuerySets and option flags', t => {
	t.deepEqual(complete(''), {text: '', candidates: known});
	t.deepEqual(complete('mi'), {text: 'migrate', candidates: ['migrate', 'migrate_one']});
	t.deepEqual(complete('ba'), {text: 'backup ', candidates: []});
	t.deepEqual(complete('migrate '), {text: 'migrate ', candidates: ['development', 'staging', 'production']});
	t.deepEqual(complete('migrate st'), {text: 'migrate staging ', candidates: []});
	t.deepEqual(complete('restore '), {
		text: 'restore shop_',
		candidates: ['shop__2026_11_23', 'shop__2026_11_22', 'shop_before_restore__2026_11_20'],
	});
	t.deepEqual(complete('restore shop__2026_11_23'), {text: 'restore shop__2026_11_23:', candidates: []});
	t.deepEqual(complete('restore shop__2026_11_23:d'), {text: 'restore shop__2026_11_23:development ', candidates: []});
	t.deepEqual(complete('copy_db p'), {text: 'copy_db production:', candidates: []});
	t.deepEqual(complete('copy_db production:'), {text: 'copy_db production:', candidates: ['development', 'staging', 'production']});
	t.deepEqual(complete('migrate_one 20260102'), {text: 'migrate_one 20260102000000_cats ', candidates: []});
	t.deepEqual(complete('migrate_one 20260102000000_cats de'), {text: 'migrate_one 20260102000000_cats development ', candidates: []});
	t.deepEqual(complete('backup production -'), {
		text: 'backup production -',
		candidates: ['-q', '--subset', '--follow', '--subset-only', '--seed'],
	});
	t.deepEqual(complete('backup production --subset-o'), {text: 'backup production --subset-only ', candidates: []});
	t.deepEqual(complete('backup production -q A'), {text: 'backup production -q A', candidates: ['AccountQuerySet', 'AwesomeDogsQuerySet']});
	t.deepEqual(complete('backup production -q Ac'), {text: 'backup production -q AccountQuerySet ', candidates: []});
});

test('tab that cannot complete says why, naming what is known', t => {
	t.deepEqual(complete('migrate x'), {
		text: 'migrate x',
		candidates: [],
		error: 'no environment starts with "x": known environments are development, staging, production',
	});
	t.deepEqual(complete('zap '), {text: 'zap ', candidates: [], error: `unknown command "zap": known commands are ${known.join(', ')}`});
	t.deepEqual(complete('migrate staging '), {
		text: 'migrate staging ',
		candidates: [],
		error: 'nothing more to complete; usage: migrate <env>',
	});
	t.deepEqual(complete('restore ', {...data, backups: undefined}), {
		text: 'restore ',
		candidates: [],
		error: 'the backups are still being read: try again in a moment',
	});
});

test('the reducer: typing, tab, errors, and ↑/↓ through the commands of this session', t => {
	const apply = (state: PaletteState, ...actions: PaletteAction[]) => actions.reduce(paletteReducer, state);
	let state = apply(
		initialPaletteState,
		{type: 'open'},
		{type: 'edit', text: 'migrate st'},
		{type: 'complete', commands: paletteCommands, data},
	);
	t.like(state, {open: true, text: 'migrate staging ', candidates: [], error: undefined});
	const revision = state.revision;
	state = apply(state, {type: 'complete', commands: paletteCommands, data});
	t.is(state.revision, revision, 'nothing changed: the field keeps its cursor');
	state = apply(
		state,
		{type: 'ran', text: 'migrate staging '},
		{type: 'open'},
		{type: 'edit', text: 'migrate dev'},
		{type: 'failed', error: 'bad'},
	);
	t.like(state, {open: true, text: 'migrate dev', error: 'bad', history: ['migrate staging']});
	state = apply(state, {type: 'edit', text: 'migrate development'});
	t.is(state.error, undefined);
	state = apply(
		state,
		{type: 'ran', text: 'migrate development'},
		{type: 'ran', text: 'migrate development'},
		{type: 'open'},
		{type: 'edit', text: 'back'},
	);
	t.deepEqual(state.history, ['migrate staging', 'migrate development']);
	state = apply(state, {type: 'recall', delta: -1});
	t.like(state, {text: 'migrate development', recall: 1, draft: 'back'});
	state = apply(state, {type: 'recall', delta: -1}, {type: 'recall', delta: -1});
	t.like(state, {text: 'migrate staging', recall: 0});
	state = apply(state, {type: 'recall', delta: 1}, {type: 'recall', delta: 1});
	t.like(state, {text: 'back', recall: undefined});
	state = apply(state, {type: 'recall', delta: 1});
	t.is(state.text, 'back');
	state = apply(state, {type: 'close'});
	t.like(state, {open: false, history: ['migrate staging', 'migrate development']});
	t.is(apply(initialPaletteState, {type: 'open'}, {type: 'recall', delta: -1}).text, '');
});
