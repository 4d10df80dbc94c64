import {execFile} from 'node:child_process';
import {promisify} from 'node:util';
import test from 'ava';
import type {Command} from 'commander';
import {createProgram} from '../../source/cli/program.js';
import {osc52} from '../../source/tui/clipboard.js';
import {
	backupLine,
	copyLine,
	dropLine,
	migrateLine,
	migrateOneLine,
	restoreLine,
	shellQuote,
	shellWords,
	wrapCommandLine,
} from '../../source/tui/jobs/command-line.js';

const run = promisify(execFile);

/** The words a POSIX shell (the real /bin/sh) reads from `line`, `monarch` left out. */
async function shellArgv(line: string): Promise<string[]> {
	if (!line.startsWith('monarch ')) throw new Error(`not a monarch line: ${line}`);
	const {stdout} = await run('/bin/sh', ['-c', `printf '%s\\0' ${line.slice('monarch '.length)}`]);
	return stdout.split('\0').slice(0, -1);
}

/**
 * Parses `line` as the shell and then monarch's own commander program would,
 * without running anything: every command's action is replaced by one that
 * records what it was called with. Throws (commander's exitOverride) on any
 * option or argument the real CLI refuses.
 */
async function parseWithCli(line: string): Promise<{command: string; args: unknown[]; options: Record<string, unknown>}> {
	const argv = await shellArgv(line);
	const program = createProgram(new AbortController().signal);
	program.configureOutput({writeErr() {}, writeOut() {}});
	let called: {command: string; args: unknown[]; options: Record<string, unknown>} | undefined;
	for (const command of program.commands) {
		command.configureOutput({writeErr() {}, writeOut() {}});
		command.action((...received: unknown[]) => {
			const self = received.at(-1) as Command;
			called = {command: self.name(), args: received.slice(0, -2), options: self.opts()};
		});
	}

	await program.parseAsync(argv, {from: 'user'});
	if (!called) throw new Error(`no command ran for ${line}`);
	return called;
}

const development = {name: 'development', protected: false};
const staging = {name: 'staging', protected: true};

test('shell quoting: plain words as they are, anything else in single quotes a POSIX shell reads back exactly', async t => {
	t.is(shellQuote('shop__2026_11_23:staging'), 'shop__2026_11_23:staging');
	t.is(shellQuote('accountId=42'), 'accountId=42');
	t.is(shellQuote('before launch'), "'before launch'");
	t.is(shellQuote("it's"), String.raw`'it'\''s'`);
	t.is(shellQuote(''), "''");
	const awkward = ['a b', "it's", '$HOME', '`id`', 'a*b', 'x;y', '"q"', 'tab\there', ''];
	const line = `monarch ${awkward.map(word => shellQuote(word)).join(' ')}`;
	t.deepEqual(await shellArgv(line), awkward);
	t.deepEqual(shellWords(line).length, awkward.length + 1);
});

test('migrate and migrate_one: --yes only on a protected environment, and the CLI accepts them', async t => {
	t.is(migrateLine(development), 'monarch migrate development');
	t.is(migrateLine(staging), 'monarch migrate staging --yes');
	t.is(migrateOneLine('20260101000000_add_dogs', development), 'monarch migrate_one 20260101000000_add_dogs development');
	t.is(migrateOneLine('20260101000000_add_dogs', staging), 'monarch migrate_one 20260101000000_add_dogs staging --yes');

	t.like(await parseWithCli(migrateLine(development)), {command: 'migrate', args: ['development'], options: {safetyBackup: true}});
	t.like(await parseWithCli(migrateLine(staging)), {command: 'migrate', args: ['staging'], options: {yes: true}});
	t.like(await parseWithCli(migrateOneLine('20260101000000_add_dogs', staging)), {
		command: 'migrate_one',
		args: ['20260101000000_add_dogs', 'staging'],
		options: {yes: true},
	});
});

test('backup: --name, -q with every answer as --param, --to; no --yes (a backup asks nothing)', async t => {
	t.is(backupLine({environment: 'production'}), 'monarch backup production');
	const line = backupLine({
		environment: 'production',
		name: 'before launch',
		querySet: 'AccountQuerySet',
		answers: {accountId: 42, note: "it's a dog", keep: true},
		store: 's3',
	});
	t.is(
		line,
		String.raw`monarch backup production --name 'before launch' -q AccountQuerySet --param accountId=42 --param 'note=it'\''s a dog' --param keep=true --to s3`,
	);
	t.like(await parseWithCli(line), {
		command: 'backup',
		args: ['production'],
		options: {name: 'before launch', querySet: 'AccountQuerySet', param: ['accountId=42', "note=it's a dog", 'keep=true'], to: 's3'},
	});
});

test('restore: <backup>:<env> without .archive.gz, --from when given, always --yes', async t => {
	t.is(restoreLine({backup: 'shop__2026_11_23.archive.gz', environment: 'staging'}), 'monarch restore shop__2026_11_23:staging --yes');
	t.is(
		restoreLine({backup: 'shop__2026_11_23_2.archive.gz', environment: 'development', from: 'local'}),
		'monarch restore shop__2026_11_23_2:development --from local --yes',
	);
	t.like(await parseWithCli(restoreLine({backup: 'shop__2026_11_23.archive.gz', environment: 'staging', from: 's3'})), {
		command: 'restore',
		args: ['shop__2026_11_23:staging'],
		options: {yes: true, from: 's3'},
	});
});

test('copy_db and drop_db: always --yes; a QuerySet copy carries its answers', async t => {
	t.is(copyLine({from: 'production', to: 'development'}), 'monarch copy_db production:development --yes');
	const line = copyLine({from: 'production', to: 'development', querySet: 'AccountQuerySet', answers: {accountId: 7, tags: ['a', 'b']}});
	t.is(line, `monarch copy_db production:development -q AccountQuerySet --param accountId=7 --param 'tags=["a","b"]' --yes`);
	t.like(await parseWithCli(line), {
		command: 'copy_db',
		args: ['production:development'],
		options: {querySet: 'AccountQuerySet', param: ['accountId=7', 'tags=["a","b"]'], yes: true},
	});
	const subset = copyLine({
		from: 'production',
		to: 'development',
		subset: {subset: ['accounts:{"plan":"pro"}'], follow: 'both', subsetOnly: true},
		scrub: true,
	});
	t.is(subset, `monarch copy_db production:development --subset 'accounts:{"plan":"pro"}' --follow both --subset-only --scrub --yes`);
	t.like(await parseWithCli(subset), {
		command: 'copy_db',
		args: ['production:development'],
		options: {subset: ['accounts:{"plan":"pro"}'], follow: 'both', subsetOnly: true, scrub: true, yes: true},
	});
	t.is(dropLine('staging'), 'monarch drop_db staging --yes');
	t.like(await parseWithCli(dropLine('staging')), {command: 'drop_db', args: ['staging'], options: {yes: true}});
});

test('the parse check itself refuses what the CLI refuses', async t => {
	await t.throwsAsync(parseWithCli('monarch backup production --yes'), {message: /unknown option '--yes'/});
	await t.throwsAsync(parseWithCli('monarch restore a:b --from ftp --yes'), {message: /--from.*ftp/});
});

test('a long line breaks between words with a trailing backslash, so its rows pasted are still one command', async t => {
	const line = backupLine({
		environment: 'production',
		name: 'before the big launch',
		querySet: 'AccountQuerySet',
		answers: {accountId: 42},
		store: 'local',
	});
	const rows = wrapCommandLine(line, 40);
	t.deepEqual(rows, [
		'monarch backup production --name \\',
		"  'before the big launch' -q \\",
		'  AccountQuerySet --param accountId=42 \\',
		'  --to local',
	]);
	t.true(rows.every(row => row.length <= 40));
	t.deepEqual(await shellArgv(rows.join('\n')), await shellArgv(line));
	t.deepEqual(wrapCommandLine('monarch migrate development', 80), ['monarch migrate development']);
});

test('OSC 52: ESC ] 52 ; c ; base64 of the UTF-8 text, then BEL', t => {
	t.is(osc52('monarch migrate staging --yes'), `\u001B]52;c;${Buffer.from('monarch migrate staging --yes').toString('base64')}\u0007`);
	t.is(osc52('é'), '\u001B]52;c;w6k=\u0007');
});
