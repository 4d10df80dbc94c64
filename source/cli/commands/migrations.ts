import path from 'node:path';
import type {Command} from 'commander';
import {firstLine, MonarchError} from '../../core/errors.js';
import type {MigrateResult, MigrationsReport} from '../../core/migrations/index.js';
import {counted} from '../../core/plural.js';
import {formatDuration} from '../../core/progress.js';
import type {MigratePlan} from '../../core/rehearse/index.js';
import type {CliContext} from '../context.js';
import {paint, paintTone} from '../style.js';
import {table} from '../table.js';

export function registerMigrationCommands(program: Command, context: () => CliContext): void {
	program
		.command('generate')
		.alias('create')
		.argument('<name>', 'what the migration does, e.g. add_indexes_to_user_table')
		.description('write a new migration file in the migrations folder')
		.addHelpText('after', '\nExample:\n  monarch generate add_indexes_to_user_table')
		.action(async (name: string) => {
			const {config, print} = context();
			const loaded = await config();
			const {generateMigration} = await import('../../core/migrations/index.js');
			const generated = await generateMigration(loaded, name);
			print(`Created ${path.relative(process.cwd(), generated.file) || generated.file} (${generated.className})`);
		});

	program
		.command('list_migrations')
		.alias('list-migrations')
		.argument('<env>', 'environment name')
		.description('list every migration and its state in an environment')
		.option('--json', 'print JSON')
		.option('--check', 'exit with status 3 when a migration is pending (for CI gates)')
		.addHelpText('after', '\nExamples:\n  monarch list_migrations development\n  monarch list_migrations production --check')
		.action(async (env: string, options: {json?: boolean; check?: boolean}) => {
			const {config, events, print} = context();
			const {listMigrations} = await import('../../core/migrations/index.js');
			const report = await listMigrations(await config(), env, {events});
			print(options.json ? JSON.stringify(report, null, 2) : formatReport(report));
			if (options.check && report.pending > 0) process.exitCode = 3;
		});

	program
		.command('migrate')
		.argument('<env>', 'environment name')
		.description('run the pending migrations in order, stopping at the first failure')
		.option('-y, --yes', 'confirm up front (needed for protected environments without a terminal)')
		.option('--no-safety-backup', 'do not back up a protected environment first')
		.option('--unrehearsed', 'run even without the passing rehearsal that migrate.requireRehearsal asks for (history records it)')
		.option('--plan', 'only say what would run and whether the rehearsal gate passes (read only; exit 3 when it would not)')
		.option('--json', 'with --plan: print the plan as JSON')
		.addHelpText(
			'after',
			[
				'',
				'With migrate.requireRehearsal in monarch.json, the environment migrates only after a passing `monarch rehearse`',
				"of exactly its pending migrations, younger than the limit by its server's clock; otherwise it refuses (exit 2).",
				'Exit status with --plan: 0 when migrate would go ahead (or nothing is pending), 3 when it would be refused.',
				'',
				'Examples:',
				'  monarch migrate development',
				'  monarch migrate production --plan',
				'  monarch migrate production --yes   # from CI',
			].join('\n'),
		)
		.action(async (env: string, options: MigrateFlags & {plan?: boolean; json?: boolean}) => {
			if (options.json && !options.plan) throw new MonarchError('usage', 'migrate --json: only with --plan', {hint: 'add --plan'});
			if (options.plan) await printPlan(context(), env, Boolean(options.json));
			else await runMigrations(context(), env, undefined, options);
		});

	program
		.command('migrate_one')
		.alias('migrate-one')
		.argument('<key>', 'migration key (its file name without extension)')
		.argument('<env>', 'environment name')
		.description('run one migration whatever its state (re-runs a failed or completed one)')
		.option('-y, --yes', 'confirm up front (needed for protected environments without a terminal)')
		.option('--no-safety-backup', 'do not back up a protected environment first')
		.option('--unrehearsed', 'run even without the passing rehearsal that migrate.requireRehearsal asks for (history records it)')
		.addHelpText('after', '\nExample:\n  monarch migrate_one 20261123183000_add_indexes_to_user_table development')
		.action(async (key: string, env: string, options: MigrateFlags) => runMigrations(context(), env, key, options));

	program
		.command('rollback')
		.argument('<env>', 'environment name')
		.description("undo migrations: restore the environment's latest safety backup taken before a migrate (every write since is lost)")
		.option('--to <backup>', 'this older safety backup instead of the latest (see `monarch list_backups`)')
		.option('-y, --yes', 'confirm up front (needed without a terminal)')
		.addHelpText(
			'after',
			'\nExamples:\n  monarch rollback production\n  monarch rollback production --to shop_before_migrate__2026_03_01 --yes',
		)
		.action(async (env: string, options: {to?: string; yes?: boolean}) => {
			const {config, prompter, events, signal, print} = context();
			const {rollback, describeRollback} = await import('../../core/restore/index.js');
			const result = await rollback({
				config: await config(),
				environment: env,
				to: options.to,
				yes: options.yes,
				prompter: prompter(),
				events,
				signal,
			});
			print(describeRollback(result).join('\n'));
		});
}

/** The flags of `migrate` and `migrate_one`. */
type MigrateFlags = {yes?: boolean; safetyBackup: boolean; unrehearsed?: boolean};

/** `migrate <env>` (no key: the pending ones) and `migrate_one <key> <env>` (that one), through the rehearsal gate: run and print the summary. */
async function runMigrations(cli: CliContext, env: string, key: string | undefined, options: MigrateFlags): Promise<void> {
	const {config, prompter, events, signal, print} = cli;
	const {migrateThroughGate} = await import('../../core/rehearse/index.js');
	const result = await migrateThroughGate({
		config: await config(),
		environment: env,
		...(key === undefined ? {} : {key}),
		yes: options.yes,
		unrehearsed: options.unrehearsed,
		safetyBackup: safetyBackupFlag(options),
		prompter: prompter(),
		events,
		signal,
	});
	print(summary(result));
}

/** `migrate <env> --plan`: the plan as text (or JSON); exit 3 when the migrate would be refused. */
async function printPlan(cli: CliContext, env: string, json: boolean): Promise<void> {
	const {planMigrate} = await import('../../core/rehearse/index.js');
	const plan = await planMigrate({config: await cli.config(), environment: env, events: cli.events, signal: cli.signal});
	cli.print(json ? JSON.stringify(plan, null, 2) : formatPlan(plan));
	if (!plan.passes) process.exitCode = 3;
}

/** The plan for people: what would run, what is required, the gate's answer, the evidence and the next command. */
function formatPlan(plan: MigratePlan): string {
	const color = paint(process.stdout);
	if (plan.pending.length === 0) return `Nothing to migrate on ${plan.environment}: nothing is pending.`;
	const lines = [`migrate ${plan.environment} would run ${counted(plan.pending.length, 'pending migration')} (database ${plan.database}):`];
	const width = Math.max(...plan.pending.map(migration => migration.key.length));
	for (const {key, checksum} of plan.pending) lines.push(`  ${key.padEnd(width)}  ${color('dim', `sha256 ${checksum.slice(0, 12)}`)}`);
	const required = plan.requireRehearsal;
	lines.push(
		required
			? `Requires a passing rehearsal within ${required.within} (${required.querySet ? "the whole database or a QuerySet's part" : 'the whole database'}), by the server's clock (now ${plan.serverNow}).`
			: 'Requires no rehearsal (migrate.requireRehearsal is not set).',
	);
	lines.push(...plan.evidence.map(paintTone(process.stdout)));
	if (plan.passes) lines.push(color('green', `Gate: passes. Run \`monarch migrate ${plan.environment}\`.`));
	else lines.push(color('red', `Gate: refuses (${plan.gate.reason}). Run \`monarch rehearse ${plan.environment}\` first.`));
	return lines.join('\n');
}

/** `--no-safety-backup` turns it off; without it the config's `migrate.safetyBackup` decides (commander's default `true` is not a choice the user made). */
function safetyBackupFlag(options: {safetyBackup: boolean}): false | undefined {
	return options.safetyBackup ? undefined : false;
}

function summary(result: MigrateResult): string {
	if (result.migrations.length === 0) return `Nothing to migrate on ${result.environment}.`;
	const total = result.migrations.reduce((sum, entry) => sum + (entry.durationMs ?? 0), 0);
	const lines = [`Ran ${counted(result.migrations.length, 'migration')} on ${result.environment} in ${formatDuration(total)}.`];
	const backup = result.safetyBackup;
	if (backup)
		lines.push(
			`Safety backup of ${result.environment} before the migrations: ${backup.store}${backup.archive} (undo with \`monarch restore ${backup.archive}:${result.environment}\`).`,
		);
	return lines.join('\n');
}

function formatReport(report: MigrationsReport): string {
	const color = paint(process.stdout);
	const stateColor = {New: 'yellow', Processing: 'magenta', Completed: 'green', Failed: 'red'} as const;
	const rows = [['STATE', 'MIGRATION', 'FINISHED', 'DURATION', ''].map(title => color('bold', title))];
	for (const migration of report.migrations) {
		const notes = [
			migration.baseline ? color('cyan', 'baseline (marked applied, not run)') : '',
			migration.unrehearsed ? color('yellow', 'ran unrehearsed') : '',
			migration.drift ? color('yellow', 'changed since it ran') : '',
			migration.interrupted ? color('red', 'interrupted') : '',
			migration.state === 'Failed' ? color('red', firstLine(migration.error?.message ?? '')) : '',
		].filter(Boolean);
		rows.push([
			color(stateColor[migration.state], migration.state),
			migration.key,
			migration.finishedAt ? migration.finishedAt.toISOString().replace('T', ' ').slice(0, 19) : '-',
			migration.durationMs === undefined ? '-' : formatDuration(migration.durationMs),
			notes.join('; '),
		]);
	}

	for (const orphan of report.orphans) {
		rows.push([
			color('dim', orphan.state),
			orphan._id,
			orphan.finishedAt?.toISOString().replace('T', ' ').slice(0, 19) ?? '-',
			'-',
			color('yellow', 'file missing'),
		]);
	}

	const completed = report.migrations.filter(migration => migration.state === 'Completed').length;
	const lines = [`Migrations on ${report.environment} (database ${report.database})`];
	lines.push(report.migrations.length + report.orphans.length > 0 ? table(rows) : '  (no migrations yet: `monarch generate <name>`)');
	lines.push(
		`${counted(report.migrations.length, 'migration')}: ${completed} completed, ${report.pending} pending${report.orphans.length > 0 ? `, ${report.orphans.length} in history without a file` : ''}`,
	);
	return lines.join('\n');
}
