import type {StoredRehearsal} from '../../core/rehearse/index.js';
import type {Column} from '../components/text.js';
import {formatDate} from '../components/text.js';

/** The rehearsal history's columns: when (local time), QuerySet, scrubbed, pending count, verdict (what is left: the failed migration's key). */
export const historyColumns: Column[] = [
	{title: 'WHEN', width: 16},
	{title: 'QUERYSET', width: 16},
	{title: 'SCRUB', width: 5},
	{title: 'PENDING', width: 7},
	{title: 'VERDICT', width: 10, grow: true},
];

/** One stored rehearsal as its row's cells, and the colour of its verdict (the last cell). */
export function historyCells({report}: StoredRehearsal): {cells: string[]; passed: boolean} {
	const {verdict} = report;
	return {
		cells: [
			formatDate(new Date(report.takenAt)),
			report.querySet?.name ?? '-',
			report.scrubbed ? 'yes' : 'no',
			String(report.pending.length),
			verdict.passed ? 'passed' : `failed: ${verdict.failed?.key ?? '?'}`,
		],
		passed: verdict.passed,
	};
}

/** The line under the list about the selected rehearsal: its id (as list_rehearsals prints it), who ran it, with which monarch. */
export function historyDetail({id, report}: StoredRehearsal): string {
	return `id ${id} · by ${report.ranBy} · monarch ${report.monarchVersion}`;
}

/** The selected row of a list of `count`: moved and kept inside it. */
export type HistoryCursor = number;

export type HistoryCursorAction = {type: 'move'; delta: number; count: number} | {type: 'top'};

/** The history's cursor: moves stay inside the rows (the count is that of the frame the key was pressed on). */
export function historyCursorReducer(index: HistoryCursor, action: HistoryCursorAction): HistoryCursor {
	if (action.type === 'top') return 0;
	if (action.count === 0) return 0;
	return Math.max(0, Math.min(action.count - 1, index + action.delta));
}
