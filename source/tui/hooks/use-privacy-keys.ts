import {actionFor} from '../keymap.js';
import type {ScrollState} from '../state/use-scroll-state.js';
import {useKeys} from './use-keys.js';

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
	useKeys(
		(input, key) => {
			// Keys typed faster than the app reads them arrive together (`jjj`): each one counts.
			const repeats = input.length > 1 && [...input].every(character => character === input[0]) ? input.length : 1;
			switch (actionFor(['privacy'], repeats > 1 ? input[0]! : input, key)) {
				case 'up': {
					scroll({type: 'line', delta: -repeats});
					break;
				}

				case 'down': {
					scroll({type: 'line', delta: repeats});
					break;
				}

				case 'page-up': {
					scroll({type: 'page', delta: -1});
					break;
				}

				case 'page-down': {
					scroll({type: 'page', delta: 1});
					break;
				}

				case 'top': {
					scroll({type: 'home'});
					break;
				}

				case 'bottom': {
					scroll({type: 'end'});
					break;
				}

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
		{isActive},
	);
}
