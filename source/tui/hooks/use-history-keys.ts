import type {ScrollAction} from '../state/use-scroll-state.js';
import {useScrollViewKeys} from './use-scroll-view-keys.js';

export type HistoryKeysOptions = {
	/** Moves the cursor: a line (keys typed ahead, `jjj`, each count), the first or the last. */
	move: (action: ScrollAction) => void;
	onOpen: () => void;
	onRefresh: () => void;
	onClose: () => void;
	isActive: boolean;
};

/** The rehearsal history's keys (the keymap's `history` scope): ↑↓/j/k move, home/end the ends, enter opens the report, `r` reads again, esc or q closes. */
export function useHistoryKeys({move, onOpen, onRefresh, onClose, isActive}: HistoryKeysOptions): void {
	useScrollViewKeys({
		scope: 'history',
		scroll: move,
		onAction(action) {
			if (action === 'open-report') onOpen();
			else if (action === 'refresh') onRefresh();
			else if (action === 'close') onClose();
		},
		isActive,
	});
}
