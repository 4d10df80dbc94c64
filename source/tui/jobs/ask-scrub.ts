import type {Environment} from '../../core/environments/index.js';
import type {Prompter} from '../../core/prompts.js';
import type {ScrubChoice} from '../../core/scrub/index.js';
import type {TuiServices} from '../context.js';

/* Shared by the copy, restore and backup jobs: the form's answer to "scrub personal data?", as the CLI's --scrub / --no-scrub. */

const scrub = 'scrub';
const asItIs = 'as it is';

/**
 * Asks whether a copy or restore into `target` scrubs personal data. When the
 * data holds personal data (`personalData`) and the target is not protected,
 * the choice is required (scrub is the default, as --scrub or --no-scrub must
 * be given on the command line); otherwise it is offered only when
 * monarch.json has scrub rules (as it is by default). Nothing is asked, and
 * undefined returned, when there is nothing to choose.
 */
export async function askScrub(
	prompter: Prompter,
	tui: TuiServices,
	options: {what: string; personalData: boolean; target: string | undefined},
): Promise<ScrubChoice> {
	const target: Environment | undefined = tui.config.environments.find(environment => environment.name === options.target);
	const rules = (tui.config.scrub?.rules.size ?? 0) > 0;
	const required = options.personalData && target !== undefined && !target.protected;
	if (!required && !rules) return undefined;
	const picked = await prompter.select({
		key: 'scrub',
		message: required
			? `${options.what.charAt(0).toUpperCase()}${options.what.slice(1)} holds personal data and ${target.name} is not protected: scrub it?`
			: `Scrub ${options.what} with the rules of ${tui.config.displayFile}?`,
		choices: [
			{value: scrub, label: `scrub personal data (the rules of ${tui.config.displayFile})`},
			{value: asItIs, label: required ? 'load it as it is (--no-scrub)' : 'as it is'},
		],
		default: required ? scrub : asItIs,
	});
	if (picked === scrub) return true;
	return required ? false : undefined;
}

/** Whether a backup is scrubbed: offered when monarch.json has scrub rules (a faithful backup by default). */
export async function askScrubBackup(prompter: Prompter, tui: TuiServices, environment: string): Promise<boolean> {
	if ((tui.config.scrub?.rules.size ?? 0) === 0) return false;
	return prompter.confirm({
		key: 'scrub',
		message: `Scrub personal data in this backup of ${environment} (faithful otherwise)?`,
		default: false,
	});
}
