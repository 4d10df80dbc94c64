import type {ScrollState} from '../state/use-scroll-state.js';
import {useScrollViewKeys} from './use-scroll-view-keys.js';

export type PrivacyKeysOptions = {
	scroll: ScrollState['scroll'];
	onWrite: () => void;
	onAudit: () => void;
	onRefresh: () => void;
	onClose: () => void;
	isActive: boolean;
};

/** The privacy view's keys (the keymap's `privacy` scope): ↑↓/j/k a line, pgup/pgdn a page, home/end, `w` --write, `a` audit, `r` read again, esc or q closes. */
export function usePrivacyKeys({scroll, onWrite, onAudit, onRefresh, onClose, isActive}: PrivacyKeysOptions): void {
	useScrollViewKeys({
		scope: 'privacy',
		scroll,
		onAction(action) {
			switch (action) {
				case 'write-suggestions': {
					onWrite();
					break;
				}

				case 'audit': {
					onAudit();
					break;
				}

				case 'refresh': {
					onRefresh();
					break;
				}

				case 'close': {
					onClose();
					break;
				}

				default:
			}
		},
		isActive,
	});
}
