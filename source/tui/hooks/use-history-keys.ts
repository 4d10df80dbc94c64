import {actionFor} from '../keymap.js';
import {useKeys} from './use-keys.js';

export type HistoryKeysOptions = {
	/** Moves the cursor by `delta` rows (keys typed ahead, `jjj`, each count). */
	move: (delta: number) => void;
	onOpen: () => void;
	onRefresh: () => void;
	onClose: () => void;
	isActive: boolean;
};

/** The rehearsal history's keys (the keymap's `history` scope): ↑↓/j/k move, enter opens the report, `r` reads again, esc or q closes. */
export function useHistoryKeys({move, onOpen, onRefresh, onClose, isActive}: HistoryKeysOptions): void {
	useKeys(
		(input, key) => {
			const repeats = input.length > 1 && [...input].every(character => character === input[0]) ? input.length : 1;
			switch (actionFor(['history'], repeats > 1 ? input[0]! : input, key)) {
				case 'up': {
					move(-repeats);
					break;
				}

				case 'down': {
					move(repeats);
					break;
				}

				case 'open-report': {
					onOpen();
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
