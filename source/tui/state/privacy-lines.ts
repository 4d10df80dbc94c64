import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';
import {counted} from '../../core/plural.js';
import {
	type ClassificationCounts,
	collectionClassText,
	type ScrubSuggestResult,
	type SuggestedCollection,
	type SuggestedPath,
} from '../../core/scrub/index.js';
import {fit, fitEnd} from '../components/text.js';
import type {ReportLine, Span} from './rehearsal-report-lines.js';

/* The privacy view's lines and the Environments panel's privacy line, made without Ink (tests compare their text). */

/** Below this width a path's reason goes on a line of its own, under its row. */
export const reasonColumnWidth = 110;

/**
 * The Environments panel's line for a personal-data environment: how many
 * observed paths monarch.json classifies and how many not (from
 * classificationCounts), `reading…` while the sample is read, `unknown (reason)`
 * when it could not be.
 */
export function privacyCountsLine(entry: PrivacyCountsEntry | undefined): Span {
	if (entry === undefined || entry.state === 'reading') return {text: 'privacy: reading a sample…', dim: true};
	if (entry.state === 'failed') return {text: `privacy: unknown (${entry.error})`, color: 'yellow'};
	const {counts} = entry;
	const collections =
		counts.unclassifiedCollections.length > 0 ? `, ${counted(counts.unclassifiedCollections.length, 'collection')} not classified` : '';
	const complete = counts.unclassified === 0 && collections === '';
	return {
		text: `privacy: ${counted(counts.classified, 'path')} classified, ${counts.unclassified} not${collections}${complete ? '' : ' · P to review'}`,
		color: complete ? 'green' : 'yellow',
	};
}

/** An environment's classification counts as the panel knows them. */
export type PrivacyCountsEntry = {state: 'reading'} | {state: 'failed'; error: string} | {state: 'read'; counts: ClassificationCounts};

/** The counts of a scrub_suggest result, as the panel's line says them (paths of collections not classified count as not classified). */
export function countsOf(result: ScrubSuggestResult): ClassificationCounts {
	const paths = result.collections.flatMap(collection => collection.paths);
	const unclassified = paths.filter(path => path.current === null).length;
	return {
		environment: result.environment,
		sample: result.sample,
		classified: paths.length - unclassified,
		unclassified,
		unclassifiedCollections: result.collections.filter(collection => collection.current === null).map(collection => collection.name),
	};
}

/** The summary under the view's title: the counts, and whether --write has anything to add. */
export function privacySummary(result: ScrubSuggestResult): ReportLine {
	const counts = countsOf(result);
	const line = privacyCountsLine({state: 'read', counts});
	return [{...line, text: `${line.text.replace(/ · P to review$/, '')} (samples of up to ${result.sample} documents)`}];
}

/**
 * Everything the view scrolls over, for `width` columns: per collection a
 * line (documents sampled, how it is classified, a whole-collection
 * suggestion), then its paths with BSON types, present %, current
 * classification (`unclassified` in yellow), suggestion (cyan where it
 * differs from the current one) and reason (its own column on a wide
 * terminal, else a dim line under the row).
 */
export function privacyLines(result: ScrubSuggestResult, width: number): ReportLine[] {
	const lines: ReportLine[] = [];
	const paths = result.collections.flatMap(collection => collection.paths);
	const pathWidth = Math.max(8, Math.min(Math.max(4, ...paths.map(path => stringWidth(path.path))), Math.floor(width * 0.3)));
	const typesWidth = Math.max(5, Math.min(Math.max(...paths.map(path => stringWidth(path.types.join(','))), 5), 14));
	const classWidth = Math.max(7, Math.min(Math.max(12, ...paths.map(path => stringWidth(path.current ?? ''))), 16));
	const suggestionWidth = Math.max(10, Math.min(Math.max(...paths.map(path => stringWidth(path.suggestion)), 10), 16));
	const fixed = pathWidth + typesWidth + 4 + classWidth + suggestionWidth + 6;
	const wide = width >= reasonColumnWidth;
	const reasonWidth = Math.max(10, width - fixed - 1);
	const header = `  ${fit('PATH', pathWidth)} ${fit('TYPES', typesWidth)} ${fitEnd('PRES', 4)} ${fit('CURRENT', classWidth)} ${fit('SUGGESTION', suggestionWidth)}${wide ? ` ${'REASON'}` : ''}`;
	for (const [index, collection] of result.collections.entries()) {
		if (index > 0) lines.push([]);
		lines.push(...collectionLines(collection));
		if (collection.paths.length === 0) {
			lines.push([{text: '  (no documents)', dim: true}]);
			continue;
		}

		lines.push([{text: fit(header, width).trimEnd(), bold: true, dim: true}]);
		for (const path of collection.paths) {
			const current = currentText(path);
			const differs = path.current === null || path.current !== path.suggestion;
			const row: ReportLine = [
				{text: `  ${fit(path.path, pathWidth)} `},
				{text: `${fit(path.types.join(','), typesWidth)} `, dim: true},
				{text: `${fitEnd(`${Math.round(path.present * 100)}%`, 4)} `, dim: true},
				{text: `${fit(current, classWidth)} `, color: path.current === null ? 'yellow' : undefined},
				{text: fit(path.suggestion, suggestionWidth), color: differs ? 'cyan' : undefined, dim: !differs},
			];
			if (wide) {
				// The reason in its column, wrapped there.
				const [first = '', ...rest] = wrapAnsi(path.reason, reasonWidth, {hard: true, trim: true}).split('\n');
				row.push({text: ` ${first}`, dim: true});
				lines.push(row, ...rest.map((text): ReportLine => [{text: `${' '.repeat(fixed + 1)}${text}`, dim: true}]));
				continue;
			}

			lines.push(row);
			for (const text of wrapAnsi(path.reason, Math.max(10, width - 6), {hard: true, trim: true}).split('\n'))
				lines.push([{text: `      ${text}`, dim: true}]);
		}
	}

	return lines;
}

/** A collection's name, documents sampled and classification, and under it a suggestion for the whole of it when there is one. */
function collectionLines(collection: SuggestedCollection): ReportLine[] {
	const current = collectionClassText(collection.current);
	const lines: ReportLine[] = [
		[
			{text: collection.name, bold: true},
			{text: ` ${counted(collection.sampled, 'document')} sampled, `, dim: true},
			{text: current, color: collection.current === null ? 'yellow' : undefined, dim: collection.current !== null},
		],
	];
	if (collection.current === null && collection.suggestion !== 'fields')
		lines.push([{text: `  suggested: "${collection.suggestion}" for the whole collection`, color: 'cyan'}]);
	return lines;
}

/** What the CURRENT column says: the path's entry, or `unclassified`. */
function currentText(path: SuggestedPath): string {
	if (path.current !== null) return path.current;
	return 'unclassified';
}
