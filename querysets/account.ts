import {QuerySet} from 'monarch';

/** One account and its campaigns: `monarch backup production --query-set AccountQuerySet --param accountId=42`. */
export default class AccountQuerySet extends QuerySet {
	async run() {
		const accountId = await this.prompt.number({message: 'Please enter an account id', key: 'accountId', integer: true});

		await this.dumpCollection('accounts', {_id: accountId});
		await this.dumpCollection('campaigns', {account_id: accountId});
	}
}
