import type {Prompter} from '../../core/prompts.js';
import type {TuiServices} from '../context.js';

/* Shared by the jobs that can work on a QuerySet's part of a database (backup, rehearse). */

/** The choice that means "the whole database". */
const wholeDatabase = 'whole database';

/** The QuerySets a form can offer; none when the folder is missing or a file does not load (the job then takes the whole database). */
async function querySetNames(tui: TuiServices): Promise<string[]> {
	try {
		const {listQuerySets} = await import('../../core/querysets/index.js');
		return (await listQuerySets(tui.config)).map(querySet => querySet.name);
	} catch {
		return [];
	}
}

/**
 * Asks, in a select, for the whole database (the default) or one of the
 * project's QuerySets; asks nothing when there is none. Returns the
 * QuerySet's name, or undefined for the whole database.
 */
export async function pickQuerySet(prompter: Prompter, tui: TuiServices, message: string): Promise<string | undefined> {
	const names = await querySetNames(tui);
	if (names.length === 0) return undefined;
	const picked = await prompter.select({
		key: 'querySet',
		message,
		choices: [{value: wholeDatabase, label: '(whole database)'}, ...names.map(value => ({value}))],
		default: wholeDatabase,
	});
	return picked === wholeDatabase ? undefined : picked;
}
