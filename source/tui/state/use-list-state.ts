import {useReducer} from 'react';

/** A selectable list with a `/` filter. */
export type ListState = {
	/** Index into the filtered items. */
	index: number;
	filter: string;
	/** The filter input has focus. */
	filtering: boolean;
};

export type ListAction =
	| {type: 'move'; delta: number; count: number}
	| {type: 'select'; index: number}
	| {type: 'start-filter'}
	| {type: 'set-filter'; filter: string}
	| {type: 'keep-filter'}
	| {type: 'clear-filter'}
	| {type: 'clamp'; count: number};

export const initialListState: ListState = {index: 0, filter: '', filtering: false};

/** The list's reducer: movement stays inside the items, a new filter goes back to the first. */
export function listReducer(state: ListState, action: ListAction): ListState {
	switch (action.type) {
		case 'move': {
			if (action.count === 0) return {...state, index: 0};
			return {...state, index: Math.max(0, Math.min(action.count - 1, state.index + action.delta))};
		}

		case 'select': {
			return {...state, index: Math.max(0, action.index)};
		}

		case 'start-filter': {
			return {...state, filtering: true};
		}

		case 'set-filter': {
			return {...state, filter: action.filter, index: 0};
		}

		case 'keep-filter': {
			return {...state, filtering: false};
		}

		case 'clear-filter': {
			return {...state, filter: '', filtering: false, index: 0};
		}

		case 'clamp': {
			return state.index < action.count ? state : {...state, index: Math.max(0, action.count - 1)};
		}
	}
}

/** Items whose text contains the filter (case-insensitive). */
export function applyFilter<T>(items: T[], filter: string, text: (item: T) => string): T[] {
	const needle = filter.trim().toLowerCase();
	if (needle === '') return items;
	return items.filter(item => text(item).toLowerCase().includes(needle));
}

/** The first row to draw so that the selected one is visible in `height` rows. */
export function scrollOffset(index: number, count: number, height: number): number {
	if (count <= height) return 0;
	const offset = index - Math.floor(height / 2);
	return Math.max(0, Math.min(count - height, offset));
}

export function useListState() {
	return useReducer(listReducer, initialListState);
}
