/**
 * The CLI's grammar is written once, in commander's program: the TUI reads
 * its description (source/cli/grammar.ts). The build writes that description
 * into dist/tui/grammar.js so the TUI does not load commander; this checks it
 * against the live program. Reads the build (`npm test` builds first).
 */
import test from 'ava';
import {describeProgram} from '../../source/cli/grammar.js';
import {createProgram} from '../../source/cli/program.js';
import {cliLine} from '../../source/tui/jobs/command-line.js';
import {paletteCommands} from '../../source/tui/palette/commands.js';

const live = () => describeProgram(createProgram(new AbortController().signal));

test("the build's description of the grammar is the live program's", async t => {
	const {grammar} = (await import(new URL('../../dist/tui/grammar.js', import.meta.url).href)) as {grammar: unknown};
	t.deepEqual(grammar, live());
});

test('the description holds what the TUI reads: names, aliases, arguments, flags', t => {
	const copy = live().commands.find(command => command.name === 'copy_db');
	t.like(copy, {aliases: ['copy-db'], arguments: [{name: 'from:to', required: true, variadic: false}]});
	t.deepEqual(
		copy?.options.filter(option => option.attribute === 'scrub').map(option => [option.long, option.negate]),
		[
			['--scrub', false],
			['--no-scrub', true],
		],
	);
	t.like(
		copy?.options.find(option => option.attribute === 'querySet'),
		{short: '-q', long: '--query-set', takesValue: true},
	);
});

test('a group of subcommands is described as each subcommand under its name, the group itself as none', t => {
	const names = live().commands.map(command => command.name);
	t.true(names.includes('references suggest'));
	t.false(names.includes('references'));
	t.like(
		live().commands.find(command => command.name === 'references suggest'),
		{aliases: [], arguments: [{name: 'env', required: true, variadic: false}]},
	);
});

test("the palette's commands are CLI commands, with the CLI's aliases", t => {
	const commands = live().commands;
	for (const command of paletteCommands) {
		const cli = commands.find(candidate => candidate.name === command.name);
		t.deepEqual(command.aliases ?? [], cli?.aliases, command.name);
	}
});

test('cliLine refuses what the CLI does not have', t => {
	t.throws(() => cliLine('backup', ['production'], {yes: true}), {message: /backup has no option for yes/});
	t.throws(() => cliLine('deploy', ['production']), {message: /no command deploy/});
	t.throws(() => cliLine('migrate', []), {message: /migrate takes <env>/});
	t.throws(() => cliLine('migrate', [['a', 'b']]), {message: /<env> is one word/});
	t.is(cliLine('restore', [['shop', 'staging']], {scrub: false, yes: true}), 'monarch restore shop:staging --no-scrub --yes');
	t.is(cliLine('references suggest', ['production'], {write: true}), 'monarch references suggest production --write');
});
