import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import type {Project} from '../../helpers/project.js';

/**
 * A QuerySet for the scrub project (test/scrub/helpers.ts): the accounts of
 * one plan (it asks which, `gold` by default: the 150 odd-numbered accounts)
 * and the campaigns whose budget is under 60 (60 of them).
 */
const goldAccountsQuerySet = `import {QuerySet} from 'monarch';

export default class GoldAccountsQuerySet extends QuerySet {
	async run() {
		const plan = await this.prompt.text({key: 'plan', message: 'Accounts of which plan?', default: 'gold'});
		await this.dumpCollection('accounts', {plan});
		await this.dumpCollection('campaigns', {budget: {$lt: 60}});
	}
}
`;

/** Writes GoldAccountsQuerySet into the project's querysets/ folder. */
export async function addGoldAccountsQuerySet(project: Project): Promise<void> {
	await writeFile(path.join(project.dir, 'querysets', 'gold-accounts.ts'), goldAccountsQuerySet);
}
