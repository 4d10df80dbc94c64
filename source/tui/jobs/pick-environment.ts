import type {Environment} from '../../core/environments/index.js';
import type {Prompter} from '../../core/prompts.js';
import type {TuiServices} from '../context.js';

/* Shared by the jobs of several panels: panels import jobs from source/tui/jobs/, never from each other's action files. */

function environmentChoices(environments: Environment[]): Array<{value: string; label: string}> {
	return environments.map(environment => ({
		value: environment.name,
		label: `${environment.name}  (${environment.database}${environment.protected ? ', protected' : ''})`,
	}));
}

/** Asks for an environment in a select (the selected one first by default). */
export async function pickEnvironment(prompter: Prompter, tui: TuiServices, message: string, except?: string): Promise<string> {
	const environments = tui.config.environments.filter(environment => environment.name !== except);
	const fallback = environments.find(environment => environment.name === tui.environment) ?? environments[0];
	return prompter.select({key: 'environment', message, choices: environmentChoices(environments), default: fallback?.name});
}
