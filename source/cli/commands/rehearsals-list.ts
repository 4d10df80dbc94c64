import type {Command} from 'commander';
import type {MonarchEvent} from '../../core/events.js';
import {counted} from '../../core/plural.js';
import type {StoredRehearsal} from '../../core/rehearse/index.js';
import type {CliContext} from '../context.js';
import {paint} from '../style.js';
import {table} from '../table.js';

/** `monarch list_rehearsals [env]`: the stored rehearsal reports, newest first. */
export function registerListRehearsalsCommand(program: Command, context: () => CliContext): void {
	program
		.command('list_rehearsals')
		.alias('list-rehearsals')
		.argument('[env]', 'only the rehearsals of this environment')
		.description('list the stored rehearsal reports (rehearsals/ of each backup location), newest first')
		.option('--json', 'print JSON ({rehearsals, warnings}: each with its id, locations and whole report)')
		.addHelpText(
			'after',
			[
				'',
				'Every `monarch rehearse` stores its report in rehearsals/ of each backup location (local folder and S3);',
				'a report that cannot be read is skipped with a warning, never trusted.',
				'',
				'Examples:',
				'  monarch list_rehearsals',
				'  monarch list_rehearsals production --json',
			].join('\n'),
		)
		.action(async (env: string | undefined, options: {json?: boolean}) => {
			const {config, print, signal} = context();
			const loaded = await config();
			const {listRehearsals} = await import('../../core/rehearse/index.js');
			const warnings: string[] = [];
			const events = (event: MonarchEvent) => {
				if (event.type === 'log' && event.level === 'warn') warnings.push(event.message);
			};

			const rehearsals = await listRehearsals(loaded, env, {events, signal});
			print(options.json ? JSON.stringify({rehearsals, warnings}, null, 2) : formatRehearsals(rehearsals, env, loaded.backups));
			for (const warning of warnings) process.stderr.write(`${paint(process.stderr)('yellow', 'Warning:')} ${warning}\n`);
		});
}

function formatRehearsals(rehearsals: StoredRehearsal[], env: string | undefined, backups: {local?: unknown; s3?: unknown}): string {
	const color = paint(process.stdout);
	if (rehearsals.length === 0) {
		if (!backups.local && !backups.s3) return 'No rehearsals: monarch.json configures no backup location, where reports are stored.';
		return `No rehearsals${env ? ` of ${env}` : ''} yet (run one with \`monarch rehearse ${env ?? '<env>'}\`).`;
	}

	const titles = ['WHEN (SERVER, UTC)', 'ENVIRONMENT', 'QUERYSET', 'SCRUBBED', 'VERDICT', 'PENDING', 'ID'];
	const rows = [titles.map(title => color('bold', title))];
	for (const {id, report} of rehearsals) {
		const {verdict} = report;
		rows.push([
			report.takenAt.slice(0, 19).replace('T', ' '),
			report.source.environment,
			report.querySet?.name ?? '-',
			report.scrubbed ? 'yes' : 'no',
			verdict.passed ? color('green', 'passed') : color('red', `failed (${verdict.failed?.key ?? '?'})`),
			String(report.pending.length),
			id,
		]);
	}

	return `${table(rows)}\n${counted(rehearsals.length, 'rehearsal')}`;
}
