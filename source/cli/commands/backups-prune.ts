import {type Command, Option} from 'commander';
import type {PrunePlan} from '../../core/backups/index.js';
import {MonarchError} from '../../core/errors.js';
import {formatBytes} from '../../core/format.js';
import {redact} from '../../core/redact.js';
import type {StoreLocation} from '../../core/storage/index.js';
import type {CliContext} from '../context.js';
import {paint} from '../style.js';
import {table} from '../table.js';

type PruneFlags = {
	keep?: string;
	olderThan?: string;
	incomplete?: boolean;
	from?: StoreLocation;
	dryRun?: boolean;
	yes?: boolean;
	json?: boolean;
};

/** `monarch prune_backups`. */
export function registerPruneBackupsCommand(program: Command, context: () => CliContext): void {
	program
		.command('prune_backups')
		.alias('prune-backups')
		.argument('[backup...]', 'backups to delete by name (the only way to delete the newest complete backup of an environment)')
		.description('delete old backups, or the leftovers of interrupted ones; lists what it will delete, then asks')
		.option('--keep <n>', 'keep the N newest complete backups of each environment (in each location)')
		.option(
			'--older-than <age>',
			'complete backups older than this (e.g. 30d, 12h, 2w); with --incomplete, how long leftovers must be idle (default 1h)',
		)
		.option('--incomplete', 'backups without a valid manifest, and abandoned writes (partial files, S3 multipart uploads)')
		.addOption(new Option('--from <location>', 'only this location').choices(['local', 's3']))
		.option('--dry-run', 'list what would be deleted, delete nothing')
		.option('-y, --yes', 'confirm up front (needed without a terminal)')
		.option(
			'--json',
			'print what was (or, with --dry-run, would be) deleted as JSON on stdout; the list still goes to stderr before the question',
		)
		.addHelpText(
			'after',
			'\nThe newest complete backup of each environment is kept unless named.\n\nExamples:\n  monarch prune_backups --keep 7\n  monarch prune_backups --older-than 30d --from s3 --dry-run\n  monarch prune_backups --incomplete --yes\n  monarch prune_backups shop__2026_11_23 --from local',
		)
		.action(async (names: string[], flags: PruneFlags) => {
			const {config, prompter, events, signal, print} = context();
			const {pruneBackups, describePlan} = await import('../../core/backups/index.js');
			if (flags.keep !== undefined && !/^\d+$/.test(flags.keep))
				throw new MonarchError('usage', `--keep ${flags.keep}: must be a whole number of at least 1`, {hint: 'e.g. --keep 7'});
			const keep = flags.keep === undefined ? undefined : Number(flags.keep);
			const result = await pruneBackups({
				config: await config(),
				names,
				keep,
				olderThan: flags.olderThan,
				incomplete: flags.incomplete,
				from: flags.from,
				dryRun: flags.dryRun,
				yes: flags.yes,
				prompter: prompter(),
				onPlan: plan => (flags.json ? process.stderr.write(`${formatPlan(plan, describePlan)}\n`) : print(formatPlan(plan, describePlan))),
				events,
				signal,
			});
			events.finish();
			if (flags.json) {
				print(
					redact(
						JSON.stringify(
							{
								deleted: result.deleted,
								bytes: result.bytes,
								items: result.items.map(jsonItem),
								kept: result.kept.map(entry => ({archive: entry.archive, location: entry.location, environment: entry.environment})),
							},
							null,
							2,
						),
					),
				);
				return;
			}

			if (result.items.length === 0) return;
			print(result.deleted ? `Deleted ${describePlan(result)} (${formatBytes(result.bytes)}).` : 'Dry run: nothing was deleted.');
		});
}

/** One item of the plan, for --json: what it is, where, how big, why. */
function jsonItem(item: PrunePlan['items'][number]) {
	return item.kind === 'backup'
		? {
				kind: 'backup',
				name: item.entry.archive,
				location: item.entry.location,
				size: item.entry.size,
				environment: item.entry.environment,
				createdAt: item.entry.createdAt,
				reason: item.reason,
			}
		: {
				kind: 'abandoned write',
				name: item.write.name,
				location: item.location,
				size: item.write.size,
				lastActivity: item.write.lastActivity,
				reason: item.reason,
			};
}

function formatPlan(plan: PrunePlan, describePlan: (plan: PrunePlan) => string): string {
	const color = paint(process.stdout);
	const lines: string[] = [];
	for (const warning of plan.warnings) process.stderr.write(`${paint(process.stderr)('yellow', 'Warning:')} ${warning}\n`);
	if (plan.items.length === 0) {
		lines.push('Nothing to prune.');
	} else {
		const rows = [['NAME', 'LOCATION', 'SIZE', 'ENVIRONMENT', 'DATE', 'WHY'].map(title => color('bold', title))];
		for (const item of plan.items) {
			if (item.kind === 'backup') {
				const {entry} = item;
				rows.push([
					entry.archive,
					entry.location === 's3' ? 'S3' : 'local',
					entry.size === null ? '-' : formatBytes(entry.size),
					entry.environment ?? '-',
					entry.createdAt.toISOString().replace('T', ' ').slice(0, 19),
					item.reason,
				]);
			} else {
				rows.push([
					item.write.name,
					item.location === 's3' ? 'S3' : 'local',
					formatBytes(item.write.size),
					'-',
					item.write.lastActivity.toISOString().replace('T', ' ').slice(0, 19),
					item.reason,
				]);
			}
		}

		lines.push(`To delete: ${describePlan(plan)} (${formatBytes(plan.bytes)})`, table(rows));
	}

	for (const entry of plan.kept) {
		lines.push(
			`Kept: ${entry.archive} (${entry.location === 's3' ? 'S3' : 'local'}), the newest complete backup of ${entry.environment}; name it to delete it.`,
		);
	}

	return lines.join('\n');
}
