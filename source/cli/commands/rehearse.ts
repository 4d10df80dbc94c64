import {type Command, Option} from 'commander';
import {partCopied} from '../../core/part-words.js';
import {counted} from '../../core/plural.js';
import {formatDuration} from '../../core/progress.js';
import {redact} from '../../core/redact.js';
import type {CollectionChange, RehearsalReport} from '../../core/rehearse/index.js';
import type {CliContext} from '../context.js';
import {rehearsalMarkdown} from '../rehearsal-markdown.js';
import {paint} from '../style.js';
import {addSubsetOptions, type SubsetFlags, subsetRequest} from '../subset-options.js';
import {table} from '../table.js';
import {parseWorkers, workersFlag, workersHelp} from '../workers-option.js';

const collect = (value: string, previous: string[]) => [...previous, value];

/** Registers `rehearse <env>`: the pending migrations run on a scratch copy, with a verdict (exit 0 passed, 1 failed, 2 usage). */
export function registerRehearseCommand(program: Command, context: () => CliContext): void {
	const command = program
		.command('rehearse')
		.argument('<env>', 'the environment whose pending migrations are rehearsed (read, never written to)')
		.description("run an environment's pending migrations on a scratch copy of it, and report what they did")
		.option('-q, --query-set <name>', 'copy only what this QuerySet picks (durations are then also scaled to the whole, as an estimate)')
		.option('--param <key=value>', "answer a QuerySet's question (repeatable)", collect, [])
		.option('--keep', 'leave the scratch database for inspection (its name is printed)')
		.option('--scrub', 'scrub personal data in the copy by the rules of monarch.json (key from MONARCH_SCRUB_KEY)')
		.option('--no-scrub', 'with --keep: keep a faithful copy of a source marked personalData')
		.option(workersFlag, workersHelp)
		.addOption(new Option('--json', 'print the report as JSON (nothing else on stdout)').conflicts('markdown'))
		.option('--markdown', 'print the report as Markdown, for a pull-request comment (nothing else on stdout)')
		.addHelpText(
			'after',
			[
				'',
				'The copy goes to <database>_rehearsal_<stamp> on the server of rehearsal.environment in monarch.json',
				'(default: the first environment that is not protected and is not <env>); it is dropped at the end unless --keep.',
				'Exit status: 0 when every pending migration passed, 1 when one failed, 2 on usage errors.',
				'',
				'Examples:',
				'  monarch rehearse production',
				'  monarch rehearse production -q AccountQuerySet --param accountId=42',
				'  monarch rehearse production --keep --json',
				'  monarch rehearse production --markdown > rehearsal.md',
				"  monarch rehearse production --subset 'accounts:5%'",
			].join('\n'),
		);
	addSubsetOptions(command, {estimate: false}).action(
		async (
			env: string,
			options: {
				querySet?: string;
				param: string[];
				keep?: boolean;
				scrub?: boolean;
				workers?: string;
				json?: boolean;
				markdown?: boolean;
			} & SubsetFlags,
		) => {
			const cli = context();
			const workers = parseWorkers(options.workers);
			const {rehearse} = await import('../../core/rehearse/index.js');
			const report = await rehearse({
				config: await cli.config(),
				environment: env,
				querySet: options.querySet,
				subset: subsetRequest(options),
				keep: options.keep,
				scrub: options.scrub,
				workers,
				prompter: cli.prompter(options.param),
				events: cli.events,
				signal: cli.signal,
			});
			cli.events.finish();
			if (options.json) cli.print(redact(JSON.stringify(report, null, 2)));
			else if (options.markdown) cli.print(redact(rehearsalMarkdown(report)).trimEnd());
			else cli.print(formatRehearsal(report));
			if (!report.verdict.passed) process.exitCode = 1;
		},
	);
}

/** The report for people: header, migrations (with their log lines), collections, and the verdict last. */
export function formatRehearsal(report: RehearsalReport): string {
	const color = paint(process.stdout);
	const verdict = color(report.verdict.passed ? 'green' : 'red', report.verdict.line);
	if (report.verdict.pending === 0) return verdict;

	const at = `${report.takenAt.slice(0, 19).replace('T', ' ')} UTC`;
	const lines = [
		`Rehearsal of ${report.source.environment} (database ${report.source.database})`,
		`  copy taken at  ${at}: ${counted(report.copied.collections, 'collection')}, ${counted(report.copied.documents, 'document')} in ${formatDuration(report.copyMs)}`,
		`  scratch        ${report.scratch.database} on ${report.scratch.environment}'s server, ${report.scratch.kept ? 'kept' : 'dropped'}`,
	];
	if (report.querySet) {
		const answers = Object.entries(report.querySet.answers)
			.map(([key, value]) => `${key}=${JSON.stringify(value)}`)
			.join(' ');
		lines.push(
			`  QuerySet       ${report.querySet.name}${answers ? ` (${answers})` : ''}: ${report.copied.documents} of ${counted(report.copied.sourceDocuments, 'document')} of the same collections`,
		);
	}

	if (report.subset) {
		lines.push(
			`  subset         ${report.subset.roots.join(' ')}, following ${report.subset.follow === 'both' ? 'both ways' : 'down'}: ${report.copied.documents} of ${counted(report.copied.sourceDocuments, 'document')} of the same collections`,
		);
	}

	const stateColor = {Completed: 'green', Failed: 'red', NotRun: 'yellow'} as const;
	const estimated = partCopied(report) !== undefined;
	const header = ['STATE', 'MIGRATION', 'DURATION', ...(estimated ? [`ESTIMATE FOR ALL OF ${report.source.environment}`] : [])];
	const rows = report.migrations.map(migration => [
		color(stateColor[migration.state], migration.state),
		migration.key,
		migration.durationMs === undefined ? '-' : formatDuration(migration.durationMs),
		...(estimated ? [migration.estimatedMs === undefined ? '-' : `~${formatDuration(migration.estimatedMs)}`] : []),
	]);
	const [head, ...body] = table([header.map(title => color('bold', title)), ...rows]).split('\n');
	lines.push('', head!);
	for (const [index, migration] of report.migrations.entries()) {
		lines.push(body[index]!);
		for (const message of migration.log) lines.push(color('dim', `      │ ${message}`));
		if (migration.error) lines.push(color('red', `      ✖ ${migration.error}`));
	}

	lines.push('');
	if (report.collections.length === 0) {
		lines.push('  (no data collections)');
	} else {
		const titles = ['COLLECTION', 'BEFORE', 'AFTER', 'INSERTED', 'DELETED', 'CHANGED', 'INDEXES'].map(title => color('bold', title));
		lines.push(table([titles, ...report.collections.map(collectionRow)]));
	}

	lines.push('', verdict);
	return lines.join('\n');
}

function collectionRow(change: CollectionChange): string[] {
	const indexes = [...change.indexesAdded.map(name => `+${name}`), ...change.indexesDropped.map(name => `-${name}`)].join(' ');
	return [
		change.name,
		String(change.before),
		String(change.after),
		String(change.inserted),
		String(change.deleted),
		String(change.changed),
		indexes || '-',
	];
}
