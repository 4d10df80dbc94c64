import type {ScrollState} from '../state/use-scroll-state.js';
import {useScrollViewKeys} from './use-scroll-view-keys.js';

export type ReportKeysOptions = {
	scroll: ScrollState['scroll'];
	onClose: () => void;
	isActive: boolean;
};

/** The report's keys (the keymap's `report` scope): ↑↓/j/k a line, pgup/pgdn a page, home/end, esc or q closes. */
export function useReportKeys({scroll, onClose, isActive}: ReportKeysOptions): void {
	useScrollViewKeys({
		scope: 'report',
		scroll,
		onAction(action) {
			if (action === 'close') onClose();
		},
		isActive,
	});
}
