import type {ProjectConfig} from './config/load.js';
import {confirmDestructive} from './confirm.js';
import {connect} from './connection.js';
import {findEnvironment} from './environments.js';
import type {OperationOptions} from './events.js';
import type {Prompter} from './prompts.js';
import {counted} from './plural.js';

export type DropDatabaseOptions = OperationOptions & {
	config: ProjectConfig;
	environment: string;
	prompter: Prompter;
	yes?: boolean;
};

/** Drops an environment's whole database, after confirmation. */
export async function dropDatabase(options: DropDatabaseOptions): Promise<{environment: string; database: string; collections: number}> {
	const environment = findEnvironment(options.config.environments, options.environment, options.config.displayFile);
	const connection = await connect(environment, {access: 'write', lock: options.config.lock, events: options.events, signal: options.signal});
	try {
		const collections = await connection.db.listCollections({}, {nameOnly: true}).toArray();
		await confirmDestructive(environment, `Drop database ${environment.database} (${counted(collections.length, 'collection')})`, {
			yes: options.yes,
			prompter: options.prompter,
		});
		await connection.db.dropDatabase();
		return {environment: environment.name, database: environment.database, collections: collections.length};
	} finally {
		await connection.close();
	}
}
