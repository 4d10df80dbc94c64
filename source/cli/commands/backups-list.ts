import {type Command, Option} from 'commander';
import type {BackupEntry, BackupList} from '../../core/backups/index.js';
import {formatBytes} from '../../core/format.js';
import {counted} from '../../core/plural.js';
import type {StoreLocation} from '../../core/storage/index.js';
import type {CliContext} from '../context.js';
import {paint} from '../style.js';
import {table} from '../table.js';

/** `monarch list_backups`. */
export function registerListBackupsCommand(program: Command, context: () => CliContext): void {
	program
		.command('list_backups')
		.alias('list-backups')
		.description('list the backups in the local folder and S3, newest first, complete or not')
		.option('--json', 'print JSON ({backups, warnings})')
		.addOption(new Option('--from <location>', 'only this location').choices(['local', 's3']))
		.addHelpText('after', '\nExamples:\n  monarch list_backups\n  monarch list_backups --from s3 --json')
		.action(async (options: {json?: boolean; from?: StoreLocation}) => {
			const {config, print, signal} = context();
			const loaded = await config();
			const {listBackups} = await import('../../core/backups/index.js');
			const result = await listBackups(loaded, {signal, from: options.from});
			if (options.json) {
				print(JSON.stringify(result, null, 2));
			} else {
				print(formatBackups(result));
			}

			for (const warning of result.warnings) process.stderr.write(`${paint(process.stderr)('yellow', 'Warning:')} ${warning}\n`);
		});
}

function formatBackups(result: BackupList): string {
	const color = paint(process.stdout);
	if (result.backups.length === 0) return 'No backups yet (take one with `monarch backup <env>`).';
	const rows = [['NAME', 'LOCATION', 'SIZE', 'ENVIRONMENT', 'DATABASE', 'DATE', 'PART', 'STATE'].map(title => color('bold', title))];
	for (const backup of result.backups) {
		rows.push([
			backup.archive,
			backup.location === 's3' ? 'S3' : 'local',
			backup.size === null ? '-' : formatBytes(backup.size),
			backup.environment ?? '-',
			backup.database ?? '-',
			backup.createdAt.toISOString().replace('T', ' ').slice(0, 19),
			partText(backup),
			backup.state === 'complete'
				? color('green', `complete${privacyText(backup)}`)
				: color('red', `incomplete (${backup.problem ?? 'no manifest'})`),
		]);
	}

	const incomplete = result.backups.filter(backup => backup.state === 'incomplete').length;
	const count = counted(result.backups.length, 'backup');
	const footer = incomplete > 0 ? `${count}, ${incomplete} incomplete (never restored)` : count;
	return `${table(rows)}\n${footer}`;
}

/** `, scrubbed` for a backup taken with --scrub, `, personal data` for one of a personalData environment taken without. */
export function privacyText(backup: BackupEntry): string {
	if (backup.manifest?.scrub) return ', scrubbed';
	return backup.manifest?.personalData ? ', personal data' : '';
}

/** The PART cell: the QuerySet and its answers, or the subset's roots; `-` for a whole backup. */
function partText(backup: BackupEntry): string {
	if (backup.subset) return `subset ${backup.subset.roots.join(' ')}${backup.querySet ? ` (${backup.querySet.name})` : ''}`;
	if (!backup.querySet) return '-';
	const answers = Object.entries(backup.querySet.answers).map(
		([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`,
	);
	return answers.length > 0 ? `${backup.querySet.name} (${answers.join(', ')})` : backup.querySet.name;
}
