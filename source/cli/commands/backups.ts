import {type Command, Option} from 'commander';
import type {BackupResult} from '../../core/backups/index.js';
import {MonarchError} from '../../core/errors.js';
import type {EventSink, MonarchEvent} from '../../core/events.js';
import {formatBytes} from '../../core/format.js';
import {counted} from '../../core/plural.js';
import type {Prompter} from '../../core/prompts.js';
import {redact} from '../../core/redact.js';
import type {CopyAudit, ScrubReport} from '../../core/scrub/index.js';
import type {CliContext} from '../context.js';
import {addSubsetOptions, type SubsetFlags, subsetRequest} from '../subset-options.js';
import {parseWorkers, workersFlag, workersHelp} from '../workers-option.js';
import {describeAudit} from './scrub-audit.js';

const collect = (value: string, previous: string[]) => [...previous, value];
const jsonHelp = 'print the result and its phase events as one JSON document ({result, events}); progress stays on stderr';

/**
 * The event sink a command hands to the core, and how it reports: with
 * `--json` every event but progress is also kept, and the result is printed
 * with them as one JSON document; otherwise `text` is printed.
 */
function reporter(cli: CliContext, json: boolean | undefined) {
	const kept: MonarchEvent[] = [];
	const events: EventSink = event => {
		cli.events(event);
		if (json && event.type !== 'progress') kept.push(event);
	};

	return {
		events,
		report(result: unknown, text: () => string) {
			cli.events.finish();
			cli.print(json ? redact(JSON.stringify({result, events: kept}, null, 2)) : text());
		},
	};
}

type RestoreFlags = {
	yes?: boolean;
	safetyBackup: boolean;
	from?: 'local' | 's3';
	file?: boolean;
	db?: string;
	scrub?: boolean;
	workers?: string;
	json?: boolean;
};

function storeOption(flag: '--to' | '--from', description: string): Option {
	return new Option(`${flag} <location>`, description).choices(['local', 's3']);
}

/** Registers `backup`, `restore` and `copy_db` (with the kebab-case alias `copy-db`). */
export function registerBackupCommands(program: Command, context: () => CliContext): void {
	const backupCommand = program
		.command('backup')
		.argument('<env>', 'environment name')
		.description("back up an environment's database (or a QuerySet's part of it) as a gzipped mongodump archive")
		.option('--name <name>', "the archive name's first part instead of the database name")
		.option('-q, --query-set <name>', 'back up only what this QuerySet picks')
		.option('--param <key=value>', "answer a QuerySet's question (repeatable)", collect, [])
		.addOption(storeOption('--to', 'where to write it (default: the local folder when configured, else S3)'))
		.option(
			'--scrub',
			'replace personal data by the scrub rules of monarch.json (key from MONARCH_SCRUB_KEY); backups are faithful otherwise',
		)
		.addHelpText(
			'after',
			"\nExamples:\n  monarch backup production\n  monarch backup production --name before_launch -q AccountQuerySet --param accountId=42\n  monarch backup production --scrub   # safe to hand to developers\n  monarch backup production --subset 'accounts:2%' --scrub",
		)
		.option('--json', jsonHelp);
	addSubsetOptions(backupCommand).action(
		async (
			env: string,
			options: {name?: string; querySet?: string; param: string[]; to?: 'local' | 's3'; scrub?: boolean; json?: boolean} & SubsetFlags,
		) => {
			const cli = context();
			const {config, prompter, signal} = cli;
			const {events, report} = reporter(cli, options.json);
			if (options.estimate) {
				await printEstimate(cli, options, {from: env, prompter: prompter(options.param), events, report, signal});
				return;
			}

			const {backup} = await import('../../core/backups/index.js');
			const result = await backup({
				config: await config(),
				environment: env,
				name: options.name,
				querySet: options.querySet,
				prompter: prompter(options.param),
				store: options.to,
				scrub: options.scrub,
				subset: subsetRequest(options),
				events,
				signal,
			});
			report(result, () => describeBackup(`Backed up ${result.environment} (database ${result.database})`, result));
		},
	);

	program
		.command('restore')
		.argument(
			'<backup:env>',
			"a backup (see `monarch list_backups`) and the environment to restore it into; with --file, a mongodump archive's path",
		)
		.description(
			"replace an environment's data with a backup (loaded into staging while it is verified, swapped in only when every check passed)",
		)
		.option('-y, --yes', 'confirm up front (needed without a terminal)')
		.option('--no-safety-backup', 'do not back up a protected target first')
		.addOption(storeOption('--from', 'look for the backup only there').conflicts('file'))
		.option('--file', 'the backup is the path of a plain mongodump archive (`mongodump --archive=FILE [--gzip]`, no manifest)')
		.option('--db <name>', "with --file: the archive's database to restore, when it holds several")
		.option('--scrub', 'replace personal data by the scrub rules of monarch.json while loading (key from MONARCH_SCRUB_KEY)')
		.option('--no-scrub', 'restore a backup of personal data as it is, into an unprotected environment')
		.option(workersFlag, workersHelp)
		.addHelpText(
			'after',
			'\nExamples:\n  monarch restore shop__2026_11_23.archive.gz:development\n  monarch restore shop__2026_11_23:staging --yes\n  monarch restore dump.archive.gz:development --file   (what mongodump --archive=dump.archive.gz --gzip wrote)',
		)
		.option('--json', jsonHelp)
		.action(async (ref: string, options: RestoreFlags) => {
			const cli = context();
			const workers = parseWorkers(options.workers);
			if (options.file) {
				await restoreFile(ref, options, workers, cli);
				return;
			}

			const {config, prompter, signal} = cli;
			const {events, report} = reporter(cli, options.json);

			if (options.db !== undefined)
				throw new MonarchError('usage', '--db: only with --file (a backup holds one database)', {
					hint: 'drop --db, or pass --file to restore a mongodump archive file',
				});
			const {parseBackupRef} = await import('../../core/backups/index.js');
			const {restore} = await import('../../core/restore/index.js');
			const {backup, environment} = parseBackupRef(ref);
			const result = await restore({
				config: await config(),
				backup,
				environment,
				from: options.from,
				...loadSettings(options, options.scrub, workers, {prompter: prompter(), events, signal}),
			});
			report(result, () => {
				const lines = [
					`Restored ${result.store}${result.archive} (${formatBytes(result.manifest.size)}, ${result.manifest.environment} at ${result.manifest.createdAt.slice(0, 19).replace('T', ' ')} UTC) ${loadedInto(result.environment, result)}`,
				];
				lines.push(
					...loadLines(result, 'restore', result.environment, {scrub: `the backup of ${result.manifest.environment}`, whole: 'the backup'}),
				);
				return lines.join('\n');
			});
			if (result.audit?.ran && !result.audit.result.clean) process.exitCode = 1;
		});

	const copyCommand = program
		.command('copy_db')
		.alias('copy-db')
		.argument('<from:to>', 'the source environment and the target environment')
		.description("replace an environment's data with another's (or a QuerySet's part of it), streamed with no temporary file")
		.option('-q, --query-set <name>', 'copy only what this QuerySet picks')
		.option('--param <key=value>', "answer a QuerySet's question (repeatable)", collect, [])
		.option('-y, --yes', 'confirm up front (needed without a terminal)')
		.option('--no-safety-backup', 'do not back up a protected target first')
		.option('--scrub', 'replace personal data by the scrub rules of monarch.json while copying (key from MONARCH_SCRUB_KEY)')
		.option('--no-scrub', 'copy a source marked personalData as it is, into an unprotected target')
		.option(workersFlag, workersHelp)
		.addHelpText(
			'after',
			'\nExamples:\n  monarch copy_db production:development --scrub\n  monarch copy_db production:development -q AwesomeDogsQuerySet --scrub\n  monarch copy_db staging:development\n  monarch copy_db production:development --subset \'accounts:{"plan":"pro"}\' --follow both --scrub',
		)
		.option('--json', jsonHelp);
	addSubsetOptions(copyCommand).action(
		async (
			ref: string,
			options: {
				querySet?: string;
				param: string[];
				yes?: boolean;
				safetyBackup: boolean;
				scrub?: boolean;
				workers?: string;
				json?: boolean;
			} & SubsetFlags,
		) => {
			const cli = context();
			const workers = parseWorkers(options.workers);
			const {config, prompter, signal} = cli;
			const {events, report} = reporter(cli, options.json);
			const colon = ref.indexOf(':');
			const from = colon === -1 ? '' : ref.slice(0, colon);
			const to = colon === -1 ? '' : ref.slice(colon + 1);
			if (!from || !to)
				throw new MonarchError('usage', `<from:to>: expected <from>:<to>, got ${JSON.stringify(ref)}`, {
					hint: 'e.g. monarch copy_db production:development',
				});
			if (options.estimate) {
				await printEstimate(cli, options, {from, to, prompter: prompter(options.param), events, report, signal});
				return;
			}

			const {copyDatabase} = await import('../../core/restore/index.js');
			const result = await copyDatabase({
				config: await config(),
				from,
				to,
				querySet: options.querySet,
				subset: subsetRequest(options),
				...loadSettings(options, options.scrub, workers, {prompter: prompter(options.param), events, signal}),
			});
			report(result, () => {
				const what = result.querySet
					? `QuerySet ${result.querySet.name} of ${result.from}`
					: result.subset
						? `a subset of ${result.from} (${result.subset.documents} of ${result.subset.totalDocuments} documents)`
						: result.from;
				const lines = [`Copied ${what} (database ${result.sourceDatabase}) ${loadedInto(result.to, result)}`];
				lines.push(...loadLines(result, 'copy', result.to, {scrub: result.from, whole: 'the source'}));
				return lines.join('\n');
			});
			if (result.audit?.ran && !result.audit.result.clean) process.exitCode = 1;
		},
	);
}

/** `--estimate`: the subset's estimate (printed as its event arrives), nothing copied; the result is the estimate (`--json`). */
async function printEstimate(
	cli: CliContext,
	options: SubsetFlags & {querySet?: string},
	run: {
		from: string;
		to?: string;
		prompter: Prompter;
		events: EventSink;
		signal: AbortSignal;
		report: (result: unknown, text: () => string) => void;
	},
): Promise<void> {
	const {estimateSubset} = await import('../../core/subset/index.js');
	const estimate = await estimateSubset({
		config: await cli.config(),
		from: run.from,
		to: run.to,
		request: subsetRequest(options),
		querySet: options.querySet,
		prompter: run.prompter,
		events: run.events,
		signal: run.signal,
	});
	run.report(estimate, () => 'Nothing was copied (--estimate).');
}

/** The prompter, event sink and signal of one load. */
type LoadRun = {prompter: Prompter; events: EventSink; signal: AbortSignal};

/** What restore, restore --file and copy_db pass alike: the confirmation, safety backup, scrub and workers settings, and the prompter, sink and signal. */
function loadSettings<Scrub extends boolean | undefined>(
	flags: {yes?: boolean; safetyBackup: boolean},
	scrub: Scrub,
	workers: number | undefined,
	run: LoadRun,
): LoadRun & {yes: boolean | undefined; safetyBackup: boolean; scrub: Scrub; workers: number | undefined} {
	return {yes: flags.yes, safetyBackup: flags.safetyBackup, scrub, workers, ...run};
}

/**
 * What a restore or copy did besides loading: how it scrubbed (`source.scrub` names where
 * the data came from), what it dropped (not in `source.whole`), its safety backup, its audit.
 */
function loadLines(
	result: {scrub: ScrubReport; dropped: string[]; safetyBackup: BackupResult | undefined; audit: CopyAudit | undefined},
	kind: 'restore' | 'copy',
	target: string,
	source: {scrub: string; whole: string},
): string[] {
	return [
		...scrubLines(result.scrub, source.scrub),
		...aftermath(result.dropped, source.whole, result.safetyBackup, target, kind),
		...auditLines(result.audit, kind, target),
	];
}

/** What a copy did about personal data: the scrubbed collections with their counts, or that --no-scrub copied personal data as it is. */
function scrubLines(scrub: ScrubReport, from: string): string[] {
	if (!scrub.scrubbed) return scrub.declined ? [`Not scrubbed (--no-scrub): personal data of ${from} was loaded as it is.`] : [];
	const parts = scrub.collections.map(
		entry =>
			`${entry.name} (${counted(entry.values, 'value')} in ${counted(entry.documents, 'document')}${entry.converted > 0 ? `, ${entry.converted} of another type converted` : ''})`,
	);
	const whole = [
		...(scrub.dropped.length > 0 ? [`Left out (drop): ${scrub.dropped.join(', ')}.`] : []),
		...(scrub.emptied.length > 0 ? [`Created empty: ${scrub.emptied.join(', ')}.`] : []),
	];
	const checked = scrub.classified
		? 'Every field path of every document was classified.'
		: `Not checked against a classification (${from} is not marked personalData): fields without a rule were copied as they are.`;
	return [
		`Scrubbed with rules ${scrub.fingerprint}: ${parts.join(', ') || 'no document had a field to scrub'}. ${[checked, ...whole].join(' ')}`,
	];
}

/**
 * `scrub.audit`: the audit's lines after a scrubbed copy or restore; on a leak,
 * that the copy has happened all the same and what to do (the command exits 1).
 */
function auditLines(audit: CopyAudit | undefined, kind: 'copy' | 'restore', target: string): string[] {
	if (!audit) return [];
	if (!audit.ran)
		return [
			`Not audited (scrub.audit): ${audit.reason}; run \`monarch scrub_audit <source>:${target}\` against the environment the data came from.`,
		];
	const lines = ['', ...describeAudit(audit.result)];
	if (!audit.result.clean) {
		lines.push(
			`The ${kind} has happened: ${target} now holds what is listed above. Give each path a strategy in the scrub section and run the scrubbed ${kind} again; if a faithful ${kind} is what you want, say --no-scrub.`,
		);
	}

	return lines;
}

/** `restore <file>:<env> --file`: a plain mongodump archive from disk. */
async function restoreFile(ref: string, options: RestoreFlags, workers: number | undefined, cli: CliContext): Promise<void> {
	const {config, prompter, signal} = cli;
	const {events, report} = reporter(cli, options.json);
	const colon = ref.lastIndexOf(':');
	const file = colon === -1 ? '' : ref.slice(0, colon);
	const environment = colon === -1 ? '' : ref.slice(colon + 1);
	if (!file || !environment)
		throw new MonarchError('usage', `<backup:env>: with --file, expected <file>:<env>, got ${JSON.stringify(ref)}`, {
			hint: 'e.g. monarch restore ./dump.archive.gz:development --file',
		});
	const {restoreArchiveFile} = await import('../../core/restore/index.js');
	const result = await restoreArchiveFile({
		config: await config(),
		file,
		environment,
		database: options.db,
		...loadSettings(options, options.scrub === true, workers, {prompter: prompter(), events, signal}),
	});
	report(result, () => {
		const lines = [
			`Restored archive file ${result.file} (${formatBytes(result.size)}, database ${result.sourceDatabase}) ${loadedInto(result.environment, result)}`,
		];
		lines.push(...loadLines(result, 'restore', result.environment, {scrub: result.file, whole: 'the archive'}));
		return lines.join('\n');
	});
	if (result.audit?.ran && !result.audit.result.clean) process.exitCode = 1;
}

function describeBackup(title: string, result: BackupResult): string {
	const {manifest} = result;
	const documents = manifest.collections.reduce((sum, entry) => sum + entry.count, 0);
	const lines = [
		`${title} to ${result.store}${result.archive}`,
		`  ${counted(manifest.collections.length, 'collection')}, ${counted(documents, 'document')}, ${formatBytes(manifest.size)} gzipped (${formatBytes(result.archiveBytes)} archive), sha256 ${manifest.sha256.slice(0, 16)}`,
	];
	if (manifest.scrub) {
		const fields = manifest.scrub.collections.map(entry => `${entry.name} (${entry.fields.join(', ')})`).join(', ');
		lines.push(`  Scrubbed with rules ${manifest.scrub.fingerprint}: ${fields || 'no collection had rules'}`);
	}

	if (manifest.querySet) {
		const answers = Object.entries(manifest.querySet.answers)
			.map(([key, value]) => `${key}=${JSON.stringify(value)}`)
			.join(' ');
		lines.push(`  QuerySet ${manifest.querySet.name}${answers ? ` (${answers})` : ''}`);
	}

	return lines.join('\n');
}

/** `into staging (database shop): 4 collections, 1204 documents.`: where a restore or copy loaded, and how much. */
function loadedInto(environment: string, result: {database: string; collections: Array<{count: number}>}): string {
	const documents = result.collections.reduce((sum, entry) => sum + entry.count, 0);
	return `into ${environment} (database ${result.database}): ${counted(result.collections.length, 'collection')}, ${counted(documents, 'document')}.`;
}

/** What a restore or copy also did to its target: collections dropped, and the safety backup that undoes it all. */
function aftermath(
	dropped: string[],
	source: string,
	safetyBackup: BackupResult | undefined,
	target: string,
	kind: 'restore' | 'copy',
): string[] {
	const lines: string[] = [];
	if (dropped.length > 0) lines.push(`Dropped ${dropped.join(', ')} (not in ${source}).`);
	if (safetyBackup)
		lines.push(
			`Safety backup of ${target} before the ${kind}: ${safetyBackup.store}${safetyBackup.archive} (undo with \`monarch restore ${safetyBackup.archive}:${target}\`).`,
		);
	return lines;
}
