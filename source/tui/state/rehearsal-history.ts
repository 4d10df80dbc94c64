import type {StoredRehearsal} from '../../core/rehearse/index.js';
import type {Column} from '../components/text.js';
import {formatDate} from '../components/text.js';
import type {ScrollAction} from './use-scroll-state.js';

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

/** A move of the history's cursor (the scroll views' moves), with the rows of the frame the key was pressed on. */
export type HistoryCursorAction = ScrollAction & {count: number; rows: number};

/** The history's cursor (the selected row): a line, a page of `rows`, the first, the last; always inside the `count` rows. */
export function historyCursorReducer(index: number, action: HistoryCursorAction): number {
	const last = Math.max(0, action.count - 1);
	const inside = (value: number) => Math.max(0, Math.min(last, value));
	switch (action.type) {
		case 'line': {
			return inside(index + action.delta);
		}

		case 'page': {
			return inside(index + action.delta * Math.max(1, action.rows));
		}

		case 'home': {
			return 0;
		}

		case 'end': {
			return last;
		}
	}
}
