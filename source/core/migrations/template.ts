/** The file `monarch generate` writes. */
export function migrationTemplate(className: string): string {
	return `import {MongoBackedMigration} from 'monarch';

/**
 * \`this\` offers:
 * - this.database     the environment's Db (mongodb driver): this.database.collection('users')
 * - this.client       the connected MongoClient, for work across databases
 * - this.environment  the environment's name, e.g. 'development'
 * - this.log(msg)     a line in the run's log (terminal or TUI)
 * - this.progress(done, total)  a progress bar for long loops
 * - this.signal       an AbortSignal, aborted when the user cancels
 *
 * Throw (or let the driver throw) to fail: monarch records the error and stops.
 */
export default class ${className} extends MongoBackedMigration {
	async run() {
		throw new Error('${className} is not written yet');
	}
}
`;
}
