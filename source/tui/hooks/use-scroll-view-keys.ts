import {type Action, actionFor, type Scope} from '../keymap.js';
import type {ScrollState} from '../state/use-scroll-state.js';
import {useKeys} from './use-keys.js';

export type ScrollViewKeysOptions = {
	/** The keymap scope whose bindings the view's keys follow. */
	scope: Scope;
	scroll: ScrollState['scroll'];
	/** Gets every other action the scope binds (close, and the view's own). */
	onAction: (action: Action) => void;
	isActive: boolean;
};

/**
 * A scrolling view's keys in the keymap's `scope`: up/down a line (keys
 * typed faster than the app reads them, `jjj`, each count), page-up/page-down
 * a page, top/bottom the ends; every other action the scope binds goes to
 * `onAction`.
 */
export function useScrollViewKeys({scope, scroll, onAction, isActive}: ScrollViewKeysOptions): void {
	useKeys(
		(input, key) => {
			// Keys typed faster than the app reads them arrive together (`jjj`): each one counts.
			const repeats = input.length > 1 && [...input].every(character => character === input[0]) ? input.length : 1;
			const action = actionFor([scope], repeats > 1 ? input[0]! : input, key);
			switch (action) {
				case undefined: {
					break;
				}

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

				default: {
					onAction(action);
				}
			}
		},
		{isActive},
	);
}
