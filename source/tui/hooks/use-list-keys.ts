import {type Dispatch, useEffect, useLayoutEffect} from 'react';
import {type Action, actionFor, type Scope} from '../keymap.js';
import type {ListAction, ListState} from '../state/use-list-state.js';
import {useKeys} from './use-keys.js';

export type ListKeysOptions = {
	isActive: boolean;
	list: ListState;
	dispatch: Dispatch<ListAction>;
	count: number;
	/** The panel's own scope(s), checked before the list's keys. */
	scopes: Scope[];
	onAction: (action: Action) => void;
	/** Tells the app a text input has focus (global keys off). */
	setInputFocus: (focused: boolean) => void;
};

/**
 * The keys of a panel holding a list: j/k and arrows move, `/` filters,
 * `r` refreshes (via onAction), esc clears the filter; the panel's own
 * actions go to `onAction`.
 */
export function useListKeys({isActive, list, dispatch, count, scopes, onAction, setInputFocus}: ListKeysOptions): void {
	// In the commit that opens or closes the filter (not an effect later), so the global keys are off before the filter line can be seen.
	useLayoutEffect(() => {
		setInputFocus(isActive && list.filtering);
	}, [isActive, list.filtering, setInputFocus]);
	useLayoutEffect(() => () => setInputFocus(false), [setInputFocus]);
	useEffect(() => {
		dispatch({type: 'clamp', count});
	}, [count, dispatch]);

	useKeys(
		// biome-ignore lint/complexity/noExcessiveCognitiveComplexity: one case per list key; to become a table with the keymap
		(input, key) => {
			if (list.filtering) {
				const action = actionFor(['filter'], input, key);
				if (action === 'submit') dispatch({type: 'keep-filter'});
				if (action === 'cancel') dispatch({type: 'clear-filter'});
				return;
			}

			// Keys typed faster than the app reads them arrive together (`jjj`): count them.
			const repeats = input.length > 1 && [...input].every(character => character === input[0]) ? input.length : 1;
			const action = actionFor([...scopes, 'list'], repeats > 1 ? input[0]! : input, key);
			if (action === 'up') dispatch({type: 'move', delta: -repeats, count});
			else if (action === 'down') dispatch({type: 'move', delta: repeats, count});
			else if (action === 'filter') dispatch({type: 'start-filter'});
			else if (action === 'back') {
				if (list.filter !== '') dispatch({type: 'clear-filter'});
			} else if (action) onAction(action);
		},
		{isActive},
	);
}
