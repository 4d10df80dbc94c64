import type {Environment} from './environments.js';
import {MonarchError} from './errors.js';
import type {EventSink} from './events.js';
import type {Prompter, ToneLine} from './prompts.js';

export type ConfirmOptions = {
	/** `--yes`: the caller confirmed up front (CI). */
	yes?: boolean | undefined;
	prompter: Prompter;
	/** Lines to show with the question (see `ConfirmQuestion.details`). */
	details?: string[] | undefined;
	/** The evidence shown before the typed name (see `DangerQuestion.evidence`); when nothing is asked, sent to `events` as log lines instead. */
	evidence?: ToneLine[] | undefined;
	events?: EventSink | undefined;
};

/**
 * Guards an action on a protected environment: the user types its name, or
 * passed `--yes`. Refuses (changing nothing) otherwise. Its `evidence` is
 * shown with the question, or logged when none is asked.
 */
export async function confirmProtected(environment: Environment, action: string, options: ConfirmOptions): Promise<void> {
	if (!environment.protected || options.yes) {
		for (const {text, tone} of options.evidence ?? []) {
			options.events?.({type: 'log', level: tone === 'warn' || tone === 'bad' ? 'warn' : 'info', message: text});
		}

		return;
	}

	const confirmed = await options.prompter.confirmDangerous({
		message: `${action} on protected environment "${environment.name}" (${environment.protectionReason}).`,
		expected: environment.name,
		...(options.details ? {details: options.details} : {}),
		...(options.evidence && options.evidence.length > 0 ? {evidence: options.evidence} : {}),
	});
	if (!confirmed) throw refusal(environment, action);
}

/** Guards a destructive action on any environment: a yes/no question, or type the name when protected. */
export async function confirmDestructive(environment: Environment, action: string, options: ConfirmOptions): Promise<void> {
	if (options.yes) return;
	if (environment.protected) return confirmProtected(environment, action, options);
	const confirmed = await options.prompter.confirm({
		key: 'confirm',
		message: `${action}?`,
		default: false,
		unattendedHint: 'pass --yes to confirm without a terminal',
		...(options.details ? {details: options.details} : {}),
	});
	if (!confirmed) throw refusal(environment, action);
}

function refusal(environment: Environment, action: string): MonarchError {
	return new MonarchError('refused', `Not confirmed: ${action} on "${environment.name}"; nothing was changed`, {
		hint: 'confirm at the prompt, or pass --yes',
	});
}
