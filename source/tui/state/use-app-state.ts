import type {RehearsalReport} from '../../core/rehearse/index.js';
import type {ModalContent} from '../context.js';

/** The app's own state: focused panel, overlays, the selected environment, the toast. */
export type AppState = {
	panel: number;
	help: boolean;
	modal: ModalContent | undefined;
	/** A rehearsal's report, while it shows (over the finished job). */
	report: RehearsalReport | undefined;
	/** The environment whose stored rehearsals show (`H` on the Migrations panel, `:list_rehearsals`); a report opened from it shows over it. */
	history: string | undefined;
	/** The environment whose privacy view shows (`P` on the Environments panel), under any job it starts. */
	privacy: string | undefined;
	/** A job's CLI line shown alone to select (`y` on a job), and whether it was also sent to the clipboard. */
	command: {title: string; line: string; copied: boolean} | undefined;
	environment: string | undefined;
	toast: {text: string; tone: 'info' | 'error'; id: number} | undefined;
	/** Quit once the running job has stopped. */
	quitting: boolean;
};

export type AppAction =
	| {type: 'panel'; index: number}
	| {type: 'next-panel'; delta: number; count: number}
	| {type: 'toggle-help'}
	| {type: 'modal'; content: ModalContent | undefined}
	| {type: 'report'; report: RehearsalReport | undefined}
	| {type: 'privacy'; environment: string | undefined}
	| {type: 'history'; environment: string | undefined}
	| {type: 'command'; shown: AppState['command']}
	| {type: 'environment'; name: string}
	| {type: 'toast'; text: string; tone: 'info' | 'error'}
	| {type: 'clear-toast'; id: number}
	| {type: 'quitting'};

export function initialAppState(environment: string | undefined): AppState {
	return {
		panel: 0,
		help: false,
		modal: undefined,
		report: undefined,
		privacy: undefined,
		history: undefined,
		command: undefined,
		environment,
		toast: undefined,
		quitting: false,
	};
}

let toastId = 0;

export function appReducer(state: AppState, action: AppAction): AppState {
	switch (action.type) {
		case 'panel': {
			return {...state, panel: action.index};
		}

		case 'next-panel': {
			return {...state, panel: (state.panel + action.delta + action.count) % action.count};
		}

		case 'toggle-help': {
			return {...state, help: !state.help};
		}

		case 'modal': {
			return {...state, modal: action.content};
		}

		case 'report': {
			return {...state, report: action.report};
		}

		case 'privacy': {
			return {...state, privacy: action.environment};
		}

		case 'history': {
			return {...state, history: action.environment};
		}

		case 'command': {
			return {...state, command: action.shown};
		}

		case 'environment': {
			return state.environment === action.name ? state : {...state, environment: action.name};
		}

		case 'toast': {
			return {...state, toast: {text: action.text, tone: action.tone, id: ++toastId}};
		}

		case 'clear-toast': {
			return state.toast?.id === action.id ? {...state, toast: undefined} : state;
		}

		case 'quitting': {
			return {...state, quitting: true};
		}
	}
}
