import type {ProjectConfig} from './config/load.js';
import {confirmDestructive} from './confirm.js';
import {connect} from './connection.js';
import {findEnvironment} from './environments.js';
import type {OperationOptions} from './events.js';
import {counted} from './plural.js';
import type {Prompter} from './prompts.js';

export type DropDatabaseOptions = OperationOptions & {
	config: ProjectConfig;
	environment: string;
	prompter: Prompter;
	yes?: boolean;
};

/** Drops an environment's whole database, after confirmation. */
export async function dropDatabase(options: DropDatabaseOptions): Promise<{environment: string; database: string; collections: number}> {
	const environment = findEnvironment(options.config.environments, options.environment, options.config.displayFile);
	const connection = await connect(environment, {
		access: 'write',
		lock: options.config.lock,
		events: options.events,
		signal: options.signal,
	});
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

export type RecoverOptions = OperationOptions & {
	config: ProjectConfig;
	environment: string;
};

/**
 * Finishes a restore or copy that was killed during its swap, and does
 * nothing else (`monarch recover <env>`): opening the environment for writing
 * does it (see interrupted-swap.ts), under the restore lock. Returns whether
 * there was one. No confirmation: the restore or copy it finishes was
 * confirmed when it started, and every collection it swaps in was complete.
 */
export async function recoverEnvironment(options: RecoverOptions): Promise<{environment: string; database: string; finished: boolean}> {
	const environment = findEnvironment(options.config.environments, options.environment, options.config.displayFile);
	let finished = false;
	const events: OperationOptions['events'] = event => {
		if (event.type === 'swap:recovered') finished = true;
		options.events?.(event);
	};
	const connection = await connect(environment, {access: 'write', lock: options.config.lock, events, signal: options.signal});
	await connection.close();
	return {environment: environment.name, database: environment.database, finished};
}
