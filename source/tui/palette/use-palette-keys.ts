import type {Dispatch} from 'react';
import type {TuiServices} from '../context.js';
import {useKeys} from '../hooks/use-keys.js';
import {actionFor} from '../keymap.js';
import type {PaletteCommand, PaletteData} from './commands.js';
import {type PaletteAction, parseLine} from './palette-state.js';

export type PaletteKeysOptions = {
	isActive: boolean;
	dispatch: Dispatch<PaletteAction>;
	commands: PaletteCommand[];
	data: PaletteData;
	tui: TuiServices;
};

/**
 * The palette's keys (scope `palette`): tab completes, ↑/↓ recall the
 * session's commands, esc closes; typing and enter belong to its text field,
 * whose enter calls the returned `submit` with the text as typed.
 */
export function usePaletteKeys({isActive, dispatch, commands, data, tui}: PaletteKeysOptions): {submit: (text: string) => void} {
	useKeys(
		(input, key) => {
			switch (actionFor(['palette'], input, key)) {
				case 'complete': {
					dispatch({type: 'complete', commands, data});
					break;
				}

				case 'history-back': {
					dispatch({type: 'recall', delta: -1});
					break;
				}

				case 'history-forward': {
					dispatch({type: 'recall', delta: 1});
					break;
				}

				case 'cancel': {
					dispatch({type: 'close'});
					break;
				}

				default:
			}
		},
		{isActive},
	);

	/** Enter: a line that does not parse stays, with its error under it, and nothing runs; otherwise the palette closes and the command's job starts. */
	const submit = (text: string) => {
		const parsed = parseLine(text, commands, data);
		if (!parsed.ok) {
			dispatch({type: 'failed', error: parsed.error});
			return;
		}

		dispatch({type: 'ran', text});
		parsed.command.run(tui, parsed.input, data);
	};

	return {submit};
}
