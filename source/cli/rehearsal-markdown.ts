import {partCopied} from '../core/part-words.js';
import {counted} from '../core/plural.js';
import {formatDuration} from '../core/progress.js';
import type {CollectionChange, RehearsalReport, RehearsedMigration} from '../core/rehearse/index.js';

/** Text from the data as Markdown shows it: one line, every character Markdown or a table would read escaped (`|`, `*`, `_`, `<`, ...). */
function cell(text: string): string {
	return text.replaceAll(/\s*[\r\n]+\s*/g, ' ').replaceAll(/[\\`*_[\]<>|~#]/g, character => `\\${character}`);
}

/** Inline code that no backtick in `text` can close early (CommonMark: a longer fence); in a table cell (GFM) `|` is escaped there too. */
function code(text: string): string {
	const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map(run => run[0].length));
	const fence = '`'.repeat(longest + 1);
	const padded = text.startsWith('`') || text.endsWith('`') ? ` ${text} ` : text;
	return `${fence}${padded.replaceAll(/\s*[\r\n]+\s*/g, ' ').replaceAll('|', String.raw`\|`)}${fence}`;
}

function row(cells: string[]): string {
	return `| ${cells.join(' | ')} |`;
}

const outcome: Record<RehearsedMigration['state'], string> = {Completed: '✅ Completed', Failed: '❌ Failed', NotRun: '⏭️ Not run'};

/** The copy's time as reports write it: `2026-11-28 21:50:03 UTC`. */
function utc(iso: string): string {
	return `${iso.slice(0, 19).replace('T', ' ')} UTC`;
}

function migrationsTable(report: RehearsalReport): string[] {
	const estimated = partCopied(report) !== undefined;
	const lines = [
		row(['Migration', 'Outcome', 'Duration', ...(estimated ? [`Estimate for all of ${cell(report.source.environment)}`] : [])]),
		row(['---', '---', '--:', ...(estimated ? ['--:'] : [])]),
	];
	for (const migration of report.migrations) {
		const failed = migration.error === undefined ? '' : `: ${cell(migration.error)}`;
		lines.push(
			row([
				code(migration.key),
				`${outcome[migration.state]}${failed}`,
				migration.durationMs === undefined ? '-' : formatDuration(migration.durationMs),
				...(estimated ? [migration.estimatedMs === undefined ? '-' : `~${formatDuration(migration.estimatedMs)}`] : []),
			]),
		);
	}

	return lines;
}

function indexesText(change: CollectionChange): string {
	const names = [...change.indexesAdded.map(name => `+${name}`), ...change.indexesDropped.map(name => `-${name}`)];
	return names.length === 0 ? '-' : names.map(name => code(name)).join(' ');
}

function collectionsTable(collections: CollectionChange[]): string[] {
	if (collections.length === 0) return ['No data collections.'];
	const lines = [
		row(['Collection', 'Before', 'After', 'Inserted', 'Deleted', 'Changed', 'Indexes']),
		row(['---', '--:', '--:', '--:', '--:', '--:', '---']),
	];
	for (const change of collections) {
		const figures = [change.before, change.after, change.inserted, change.deleted, change.changed].map(String);
		lines.push(row([code(change.name), ...figures, indexesText(change)]));
	}

	return lines;
}

/** The estimate's paragraph: what was copied against the source, the scale, and the sum for the whole. */
function estimateLines(report: RehearsalReport): string[] {
	const {querySet, copied} = report;
	const part = partCopied(report);
	if (!part) return [];
	const answers = Object.entries(querySet?.answers ?? {})
		.map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
		.join(', ');
	const picked = querySet ? `QuerySet ${code(querySet.name)}${answers ? ` (${cell(answers)})` : ''}` : cell(part);
	const total = report.migrations.reduce((sum, migration) => sum + (migration.estimatedMs ?? 0), 0);
	const ran = report.migrations.filter(migration => migration.estimatedMs !== undefined).length;
	return [
		'### Estimate',
		'',
		`The copy held what ${picked} picks: ${copied.documents} of ${counted(copied.sourceDocuments, 'document')} of the same collections on ${cell(report.source.environment)}. ` +
			`Each duration is scaled by ${copied.sourceDocuments} / ${copied.documents}: about ${formatDuration(total)} for ${ran === 1 ? 'the migration that ran' : `the ${ran} migrations that ran`}, on all of ${cell(report.source.environment)}. An estimate, not a measurement.`,
		'',
	];
}

/**
 * The report as Markdown for a pull-request comment (`monarch rehearse <env>
 * --markdown`): the verdict first, then where the copy came from, the
 * migrations (outcome, duration, and with a QuerySet the estimate for the
 * whole), the per-collection changes, and the estimate. Every value from the
 * data is escaped for its place (table cells, inline code).
 */
export function rehearsalMarkdown(report: RehearsalReport): string {
	const {source, verdict} = report;
	const heading = `## ${verdict.passed ? '✅' : '❌'} Rehearsal of ${cell(source.environment)} ${verdict.passed ? 'passed' : 'failed'}`;
	const lines = [heading, '', `**${cell(verdict.line)}**`, ''];
	const copy =
		report.migrations.length === 0
			? 'nothing copied'
			: `${counted(report.copied.collections, 'collection')}, ${counted(report.copied.documents, 'document')} copied in ${formatDuration(report.copyMs)}${report.scrubbed ? ', scrubbed' : ''}`;
	lines.push(
		`Source ${code(source.environment)} (database ${code(source.database)}), copy taken at ${utc(report.takenAt)} by its server's clock: ${copy}. ` +
			`Report ${code(report.id)}, by ${cell(report.ranBy)} with monarch ${cell(report.monarchVersion)}.`,
		'',
	);
	if (report.migrations.length === 0) return `${lines.join('\n').trimEnd()}\n`;

	lines.push('### Migrations', '', ...migrationsTable(report), '', '### Collections', '', ...collectionsTable(report.collections), '');
	lines.push(...estimateLines(report));
	return `${lines.join('\n').trimEnd()}\n`;
}
