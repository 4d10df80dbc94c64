import {type Action, hintsFor, type Scope} from '../keymap.js';
import type {AppState} from './use-app-state.js';

/*
 * What has the keyboard, decided once: the app gates every key handler on it
 * (`isActive`), draws the overlay it names and the footer shows its hints.
 */

/** What has focus, most specific first: a form, an overlay (the CLI line, a message, the help, a report, a job), the privacy view, the rehearsal history, the palette, a panel's filter, the panel. */
export type FocusTarget = 'form' | 'command' | 'modal' | 'help' | 'report' | 'job' | 'privacy' | 'history' | 'palette' | 'filter' | 'panel';

/** The job shown, as focus and the footer need it. */
export type FocusJob = {running: boolean; hasCommand: boolean; viewable: boolean};

/** What has focus, with what its hints depend on (the form's kind, the job's state). */
export type Focus = {on: 'form'; kind: string} | {on: 'job'; job: FocusJob} | {on: Exclude<FocusTarget, 'form' | 'job'>};

/** Everything focus is decided from. */
export type FocusState = {
	/** The question a job waits on (drawn as a form), if any. */
	request: {kind: string} | undefined;
	app: Pick<AppState, 'command' | 'modal' | 'help' | 'report' | 'privacy'> & Partial<Pick<AppState, 'history'>>;
	/** The job shown (running or finished), if any. */
	job: FocusJob | undefined;
	paletteOpen: boolean;
	/** A panel's text field (its filter) takes the keys. */
	filtering: boolean;
};

/** The overlays over the panel, in the order they cover each other: the first present has focus. */
const overlays = [
	['command', state => state.app.command !== undefined],
	['modal', state => state.app.modal !== undefined],
	['help', state => state.app.help],
	['report', state => state.app.report !== undefined],
] as const satisfies ReadonlyArray<readonly [FocusTarget, (state: FocusState) => boolean]>;

/** What has focus in `state`: a form over everything, then the overlays, the job, the privacy view, the rehearsal history, the palette, a filter, else the panel. */
export function focusOf(state: FocusState): Focus {
	if (state.request) return {on: 'form', kind: state.request.kind};
	const overlay = overlays.find(([, shown]) => shown(state));
	if (overlay) return {on: overlay[0]};
	if (state.job) return {on: 'job', job: state.job};
	if (state.app.privacy !== undefined) return {on: 'privacy'};
	if (state.app.history !== undefined) return {on: 'history'};
	if (state.paletteOpen) return {on: 'palette'};
	return {on: state.filtering ? 'filter' : 'panel'};
}

/** A footer hint: a key's label and a few words. */
export type Hint = {label: string; hint: string};

/** The actions pinned at the footer's end while a panel has focus. */
const pinnedActions: Action[] = ['help', 'quit'];

const only =
	(...actions: Action[]) =>
	(action: Action) =>
		actions.includes(action);

/** The job's keys that apply now: cancel while it runs, else close (and its report when it has one); copy when it has a CLI line. */
function jobActions(job: FocusJob): (action: Action) => boolean {
	return action =>
		(job.running ? action === 'cancel-job' : action === 'close' || (job.viewable && action === 'view-result')) ||
		(job.hasCommand && action === 'copy-command');
}

/** The form's keys: a yes/no question's, a pick list's and a form's, or a form's. */
function formScopes(kind: string): Scope[] {
	if (kind === 'confirm') return ['dialog'];
	return kind === 'select' ? ['select', 'form'] : ['form'];
}

/** The footer's hints for `focus`, from the keymap, chosen by action; `pinned` (help, quit on a panel) keep their place at the end. */
export function footerHints(focus: Focus, panelScopes: Scope[]): {hints: Hint[]; pinned: Hint[]} {
	const help = hintsFor(['global'], only('help'));
	switch (focus.on) {
		case 'form': {
			return {hints: hintsFor(formScopes(focus.kind)), pinned: []};
		}

		case 'command': {
			// The CLI line shown alone only closes (it does not scroll).
			return {hints: hintsFor(['modal'], only('close')), pinned: []};
		}

		case 'modal':
		case 'help': {
			return {hints: hintsFor(['modal']), pinned: []};
		}

		case 'report':
		case 'history':
		case 'privacy': {
			return {hints: [...hintsFor([focus.on]), ...help], pinned: []};
		}

		case 'job': {
			return {hints: [...hintsFor(['job'], jobActions(focus.job)), ...help], pinned: []};
		}

		case 'filter':
		case 'palette': {
			return {hints: hintsFor([focus.on]), pinned: []};
		}

		case 'panel': {
			return {
				hints: hintsFor([...panelScopes, 'global'], action => !pinnedActions.includes(action)),
				pinned: hintsFor(['global'], only(...pinnedActions)),
			};
		}
	}
}
