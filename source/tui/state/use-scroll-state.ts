import {useReducer} from 'react';

/** A move of a view that scrolls over `lines` lines, `rows` of them visible at once. */
export type ScrollAction = {type: 'line'; delta: number} | {type: 'page'; delta: number} | {type: 'home'} | {type: 'end'};

/** How much there is and how much shows: every action carries them, so the reducer clamps with the sizes of the frame the key was pressed on. */
export type ScrollBounds = {lines: number; rows: number};

/** The first line shown, kept inside the lines: never past the point where the last line shows at the bottom. */
export function clampOffset(offset: number, {lines, rows}: ScrollBounds): number {
	return Math.max(0, Math.min(offset, lines - Math.max(1, rows)));
}

/** The scroll reducer: a line, a page (all the visible rows), the top, the bottom. The state is the first line shown. */
export function scrollReducer(offset: number, action: ScrollAction & ScrollBounds): number {
	const start = clampOffset(offset, action);
	switch (action.type) {
		case 'line': {
			return clampOffset(start + action.delta, action);
		}

		case 'page': {
			return clampOffset(start + action.delta * Math.max(1, action.rows), action);
		}

		case 'home': {
			return 0;
		}

		case 'end': {
			return clampOffset(action.lines, action);
		}
	}
}

/** What a scrolling view draws and the call its keys make. */
export type ScrollState = {
	/** The first line to show (clamped to the current sizes, so a resize never shows past the end). */
	offset: number;
	scroll: (action: ScrollAction) => void;
};

/** Scroll position over `lines` lines shown `rows` at a time. */
export function useScrollState(lines: number, rows: number): ScrollState {
	const [offset, dispatch] = useReducer(scrollReducer, 0);
	return {offset: clampOffset(offset, {lines, rows}), scroll: action => dispatch({...action, lines, rows})};
}
