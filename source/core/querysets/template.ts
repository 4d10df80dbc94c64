/** The file `monarch generate_query_set` writes. */
export function querySetTemplate(className: string): string {
	return `import {QuerySet} from 'monarch';

/**
 * The part of a database that \`monarch backup ENV --query-set ${className}\`
 * and \`monarch copy_db FROM:TO -q ${className}\` take.
 *
 * \`this\` offers:
 * - this.database     the SOURCE environment's Db (mongodb driver): this.database.collection('accounts')
 * - this.environment  the source environment's name, e.g. 'production'
 * - await this.dumpCollection(name, filter)  take the documents of a collection that match filter
 *                     (all of them without one; twice for one collection takes either filter's)
 * - this.prompt       ask the user: text, number, select, confirm, e.g.
 *                     await this.prompt.number({message: 'Account id', key: 'accountId', integer: true})
 *                     answered with --param accountId=42 or at the terminal
 * - this.log(msg)     a line in the run's log (terminal or TUI)
 * - this.signal       an AbortSignal, aborted when the user cancels
 */
export default class ${className} extends QuerySet {
	async run() {
		throw new Error('${className} is not written yet: call this.dumpCollection for each collection to take');
	}
}
`;
}
