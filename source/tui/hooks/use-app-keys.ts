import {type Dispatch, useRef} from 'react';
import {MonarchError} from '../../core/errors.js';
import type {Prompter} from '../../core/prompts.js';
import {type Action, actionFor, type Scope} from '../keymap.js';
import type {FocusTarget} from '../state/focus.js';
import type {PromptChannel} from '../state/prompt-channel.js';
import type {AppAction} from '../state/use-app-state.js';
import type {JobRunner} from './use-job-runner.js';
import {useKeys} from './use-keys.js';

/** Over the help, a report, the privacy view or the rehearsal history only `?` is the app's key (the others take their own: esc and q close them). */
const helpOnly: Partial<Record<FocusTarget, Scope[]>> = {
	help: ['global'],
	report: ['report', 'global'],
	privacy: ['privacy', 'global'],
	history: ['history', 'global'],
};

export type AppKeysOptions = {
	/** What has focus (focusOf): the app's keys listen on a panel, a job, the help, a report, the privacy view or the rehearsal history. */
	focus: FocusTarget;
	channel: PromptChannel;
	prompter: Prompter;
	job: JobRunner;
	quitting: boolean;
	dispatch: Dispatch<AppAction>;
	quit: () => void;
	panelCount: number;
	/** `:` on a panel: opens the command palette. */
	openPalette: () => void;
	/** `y` on a job: copies its CLI line and shows it. */
	copyCommand: () => void;
};

/**
 * The app's own keys: Ctrl+C whatever has focus (asking first while a job
 * works), and the global keys (help, panels, `:`, quit, the job's cancel, copy and close),
 * which stay off while a form, a message or a filter has focus.
 */
export function useAppKeys({
	focus,
	channel,
	prompter,
	job,
	quitting,
	dispatch,
	quit,
	panelCount,
	openPalette,
	copyCommand,
}: AppKeysOptions): void {
	const askingQuit = useRef(false);
	const requestQuit = () => {
		if (!job.running || askingQuit.current || quitting) {
			quit();
			return;
		}

		if (channel.current()) {
			// The job is waiting for an answer, so it has written nothing yet: cancel it and quit.
			channel.rejectAll(new MonarchError('cancelled', 'Cancelled: monarch is closing; nothing was changed'));
			dispatch({type: 'quitting'});
			return;
		}

		askingQuit.current = true;
		prompter
			.confirm({key: 'quit', message: 'A job is running. Cancel it and quit? (the current step finishes first)', default: false})
			.then(
				yes => {
					askingQuit.current = false;
					if (yes) {
						job.cancel();
						dispatch({type: 'quitting'});
					}
				},
				() => {
					askingQuit.current = false;
				},
			);
	};

	// Ctrl+C works whatever has focus.
	useKeys((input, key) => {
		if (actionFor(['global'], input, key) === 'interrupt') requestQuit();
	});

	/** The app's keys on a panel: the tab row and `:`. */
	const panelKey = (action: Action | undefined, input: string) => {
		if (action === 'next-panel' || action === 'previous-panel')
			dispatch({type: 'next-panel', delta: action === 'next-panel' ? 1 : -1, count: panelCount});
		else if (action === 'panel') dispatch({type: 'panel', index: Number(input) - 1});
		else if (action === 'palette') openPalette();
	};

	/** A job's keys: cancel (asks first), copy its CLI line, close it, open its report again. */
	const jobKey = (action: Action | undefined) => {
		switch (action) {
			case 'copy-command': {
				copyCommand();
				break;
			}

			case 'cancel-job': {
				if (!job.running) break;
				prompter
					.confirm({key: 'cancel', message: 'Cancel the running job? The current step finishes, nothing after it runs.', default: false})
					.then(
						yes => {
							if (yes) job.cancel();
						},
						() => {},
					);
				break;
			}

			case 'close': {
				job.dismiss();
				break;
			}

			case 'view-result': {
				job.openView();
				break;
			}

			default:
		}
	};

	useKeys(
		(input, key) => {
			const helpScopes = helpOnly[focus];
			if (helpScopes) {
				if (actionFor(helpScopes, input, key) === 'help') dispatch({type: 'toggle-help'});
				return;
			}

			const action = actionFor(focus === 'job' ? ['job', 'global'] : ['global'], input, key);
			if (action === 'help') dispatch({type: 'toggle-help'});
			else if (action === 'quit') quit();
			else if (focus === 'panel') panelKey(action, input);
			else if (focus === 'job') jobKey(action);
		},
		{isActive: focus === 'panel' || focus === 'job' || helpOnly[focus] !== undefined},
	);
}
