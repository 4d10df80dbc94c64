import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';
import {counted} from '../../core/plural.js';
import {formatDuration} from '../../core/progress.js';
import type {CollectionChange, RehearsalReport, RehearsedMigration} from '../../core/rehearse/index.js';
import {clip, fit, fitEnd} from '../components/text.js';

/** A run of text in one style. */
export type Span = {text: string; color?: 'green' | 'red' | 'yellow' | 'cyan' | undefined; bold?: boolean; dim?: boolean};

/** One terminal row of the report: spans whose widths add up to at most the width it was made for. */
export type ReportLine = Span[];

/** The plain text of a line, as a terminal shows it (tests compare these). */
export function lineText(line: ReportLine): string {
	return line.map(span => span.text).join('');
}

/** Lines the verdict takes at most; a longer one ends in … (the failed migration's row carries its whole error). */
const maxVerdictLines = 3;

/**
 * The verdict: `✔` and the verdict line in green when every pending
 * migration passed, `✘` in red otherwise, word-wrapped to `width` in at most
 * three lines.
 */
export function verdictLines(report: RehearsalReport, width: number): ReportLine[] {
	const color = report.verdict.passed ? 'green' : 'red';
	const rows = wrap(report.verdict.line, width - 2);
	const shown =
		rows.length > maxVerdictLines
			? [...rows.slice(0, maxVerdictLines - 1), clip(rows.slice(maxVerdictLines - 1).join(' '), width - 2)]
			: rows;
	return shown.map((text, index) => [
		{text: index === 0 ? (report.verdict.passed ? '✔ ' : '✘ ') : '  ', color, bold: true},
		{text, color, bold: true},
	]);
}

/**
 * Everything below the verdict, as rows of `width` columns: where the copy
 * came from and went (source, copy taken at, scratch database kept or
 * dropped, QuerySet), the migrations (state, duration, and with a QuerySet an
 * ESTIMATE column, labelled as such; a failure's error; the log lines), then
 * per collection the documents before and after, inserted, deleted, changed
 * and the indexes added and dropped. Nothing is cut but names too long for
 * their column: errors, log lines and index lists wrap.
 */
export function reportLines(report: RehearsalReport, width: number): ReportLine[] {
	// Nothing pending: nothing was copied, so there is no copy, scratch database or change to show.
	if (report.migrations.length === 0)
		return [...headerLines(report, width).slice(0, 1), [], [{text: 'No migration is pending: nothing was copied.', dim: true}]];
	return [...headerLines(report, width), [], ...migrationLines(report, width), [], ...collectionLines(report.collections, width)];
}

const labelWidth = 10;

function headerLines(report: RehearsalReport, width: number): ReportLine[] {
	const {source, scratch, copied, querySet} = report;
	const documents = querySet
		? `${copied.documents} of the source's ${counted(copied.sourceDocuments, 'document')}`
		: counted(copied.documents, 'document');
	const rows: Array<[string, string]> = [
		['Source', `${source.environment} (database ${source.database})`],
		['Copy', `taken ${utc(report.takenAt)}, in ${formatDuration(report.copyMs)}`],
		['Copied', `${counted(copied.collections, 'collection')}, ${documents}`],
		['Scratch', `${scratch.database} on ${scratch.environment}: ${scratch.kept ? 'kept for inspection' : 'dropped'}`],
		['QuerySet', querySet ? `${querySet.name}${answersText(querySet.answers)}` : 'none (the whole database)'],
	];
	return rows.flatMap(([label, text]) =>
		wrap(text, width - labelWidth).map(
			(row, index): ReportLine => [{text: index === 0 ? fit(label, labelWidth) : ' '.repeat(labelWidth), dim: true}, {text: row}],
		),
	);
}

const stateShown: Record<RehearsedMigration['state'], {mark: string; text: string; color: Span['color']}> = {
	Completed: {mark: '✔', text: 'Completed', color: 'green'},
	Failed: {mark: '✘', text: 'Failed', color: 'red'},
	NotRun: {mark: '·', text: 'Not run', color: undefined},
};

// biome-ignore lint/complexity/noExcessiveCognitiveComplexity: one branch per report section; to split per section
function migrationLines(report: RehearsalReport, width: number): ReportLine[] {
	const estimate = report.querySet !== null;
	// Mark and STATE, then MIGRATION takes what the durations leave.
	const stateWidth = 12;
	const durationWidth = 9;
	const keyWidth = Math.max(8, width - stateWidth - (durationWidth + 1) * (estimate ? 2 : 1));
	const header = `${fit('  STATE', stateWidth)}${fit('MIGRATION', keyWidth)} ${fitEnd('DURATION', durationWidth)}${estimate ? ` ${fitEnd('ESTIMATE', durationWidth)}` : ''}`;
	const lines: ReportLine[] = [[{text: header, bold: true, dim: true}]];
	const indent = ' '.repeat(stateWidth);
	for (const migration of report.migrations) {
		const shown = stateShown[migration.state];
		const duration = fitEnd(migration.durationMs === undefined ? '-' : formatDuration(migration.durationMs), durationWidth);
		const estimated = estimate
			? ` ${fitEnd(migration.estimatedMs === undefined ? '-' : `~${formatDuration(migration.estimatedMs)}`, durationWidth)}`
			: '';
		lines.push([
			{text: `${shown.mark} `, color: shown.color},
			{text: fit(shown.text, stateWidth - 3), color: shown.color, dim: migration.state === 'NotRun'},
			{text: ' '},
			{text: fit(migration.key, keyWidth), dim: migration.state === 'NotRun'},
			{text: ` ${duration}`},
			{text: estimated, color: 'yellow'},
		]);
		if (migration.error !== undefined) {
			for (const [index, row] of wrap(migration.error, width - stateWidth - 2).entries())
				lines.push([{text: indent}, {text: index === 0 ? '✘ ' : '  ', color: 'red'}, {text: row, color: 'red'}]);
		}

		for (const logged of migration.log) {
			for (const row of wrap(logged, width - stateWidth - 2)) lines.push([{text: indent}, {text: '│ ', dim: true}, {text: row}]);
		}
	}

	if (estimate) {
		const note = `ESTIMATE: each duration scaled by the source's ${report.copied.sourceDocuments} documents over the ${report.copied.documents} copied; an estimate, not a measurement.`;
		for (const row of wrap(note, width)) lines.push([{text: row, color: 'yellow'}]);
	}

	return lines;
}

const numberTitles = ['BEFORE', 'AFTER', '+INS', '-DEL', '~CHG'] as const;

function numbers(change: CollectionChange): number[] {
	return [change.before, change.after, change.inserted, change.deleted, change.changed];
}

function collectionLines(collections: CollectionChange[], width: number): ReportLine[] {
	if (collections.length === 0) return [[{text: 'No data collection, before or after.', dim: true}]];
	const numberWidths = numberTitles.map((title, index) =>
		Math.max(title.length, ...collections.map(change => String(numbers(change)[index]).length)),
	);
	const numbersWidth = numberWidths.reduce((sum, each) => sum + each + 1, 0);
	const longestName = Math.max(...collections.map(change => stringWidth(change.name)));
	const nameWidth = Math.max(10, Math.min(longestName, Math.floor(width * 0.35), width - numbersWidth - 9));
	const indexesWidth = Math.max(8, width - nameWidth - numbersWidth - 1);
	const numberCells = (cells: string[]) => cells.map((cell, index) => ` ${fitEnd(cell, numberWidths[index] ?? 0)}`).join('');
	const changed = collections.filter(change => isChanged(change)).length;
	const lines: ReportLine[] = [
		[{text: `${counted(collections.length, 'collection')}, ${changed} changed`, dim: true}],
		[
			{
				text: `${fit('COLLECTION', nameWidth)}${numberCells([...numberTitles])} ${fit('INDEXES', indexesWidth)}`.trimEnd(),
				bold: true,
				dim: true,
			},
		],
	];
	for (const change of collections) {
		const indexes = wrapWords(
			[...change.indexesAdded.map(name => `+${name}`), ...change.indexesDropped.map(name => `-${name}`)],
			indexesWidth,
		);
		const dim = !isChanged(change);
		lines.push([
			{text: fit(change.name, nameWidth), dim},
			{text: numberCells(numbers(change).map(String)), dim},
			{text: indexes.length > 0 ? ` ${indexes[0]}` : '', color: 'cyan'},
		]);
		for (const row of indexes.slice(1)) lines.push([{text: ' '.repeat(nameWidth + numbersWidth + 1)}, {text: row, color: 'cyan'}]);
	}

	return lines;
}

function isChanged(change: CollectionChange): boolean {
	return (
		change.inserted + change.deleted + change.changed + change.indexesAdded.length + change.indexesDropped.length > 0 ||
		change.before !== change.after
	);
}

/** `text` word-wrapped to `width` columns (words longer than a row are broken). */
function wrap(text: string, width: number): string[] {
	return wrapAnsi(text, Math.max(1, width), {hard: true, trim: true}).split('\n');
}

/** Words (index names) into rows of `width`, each cut with … when it alone is too long. */
function wrapWords(words: string[], width: number): string[] {
	const rows: string[] = [];
	for (const word of words.map(each => clip(each, width))) {
		const last = rows.at(-1);
		if (last !== undefined && stringWidth(last) + 1 + stringWidth(word) <= width) rows[rows.length - 1] = `${last} ${word}`;
		else rows.push(word);
	}

	return rows;
}

/** `2026-11-28 21:50:03 UTC`. */
function utc(iso: string): string {
	const date = new Date(iso);
	return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** ` accountId=42 region=eu`, as `--param` takes them. */
function answersText(answers: Record<string, unknown>): string {
	return Object.entries(answers)
		.map(([key, value]) => ` ${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
		.join('');
}
