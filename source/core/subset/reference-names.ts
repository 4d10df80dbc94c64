import pluralize from 'pluralize';

/*
 * What a field's name says it points at: `account_id`, `accountId`,
 * `accountID` and the arrays `account_ids[]`, `accountIds[]` hold ids of an
 * account, which lives in a collection named `account` or `accounts` (or
 * `Accounts`, `account-s`: names are compared without case or separators).
 * Plurals are pluralize's (`category` -> `categories`, `box` -> `boxes`,
 * `person` -> `people`), the same rules Rails' inflector and Mongoose's
 * collection names follow.
 */

const idSuffix = /^(?<stem>[A-Za-z0-9]\w*?)_*(?:_ids?|Ids?|IDs?)$/;

/**
 * The stem a path's last step names (`account` of `campaigns`' `account_id`,
 * `dog_house` of `dogHouseId`, `tag` of `tag_ids[]`), or undefined when the
 * name says no reference (`_id`, `order_number`, `paid`).
 */
export function referenceStem(path: string): string | undefined {
	const last = (path.split('.').at(-1) ?? '').replace(/(\[\])+$/, '');
	const stem = idSuffix.exec(last)?.groups?.stem;
	if (stem === undefined) return undefined;
	return stem.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** A name without case or separators: `dog_houses`, `dogHouses` and `dog-houses` read alike. */
function bare(name: string): string {
	return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The collections among `collections` a stem names: its singular or its plural (`category`: `category`, `categories`). */
export function collectionsNamed(stem: string, collections: readonly string[]): string[] {
	const forms = new Set([bare(stem), bare(pluralize.plural(stem))]);
	return collections.filter(collection => forms.has(bare(collection)));
}
