import type {ProjectConfig} from './config/load.js';
import {confirmDestructive, confirmProtected} from './confirm.js';
import {connect} from './connection.js';
import {findEnvironment} from './environments.js';
import {MonarchError} from './errors.js';
import type {OperationOptions} from './events.js';
import {type LockDocument, type LockInfo, lockCollection, lockState, readLock} from './lease-lock.js';
import type {Prompter} from './prompts.js';
import {describeLock, type UnlockableLock, type UnlockReason, type UnlockResult} from './unlock-lines.js';

export type UnlockOptions = OperationOptions & {
	config: ProjectConfig;
	environment: string;
	/** Which lock; `migrations` unless told. */
	lock?: UnlockableLock | undefined;
	/**
	 * Remove a lease that is still being renewed (its holder looks alive):
	 * `true` (`--force`), or `ask` the user, after the refusal's text, whether to
	 * force it (default no; declining is that refusal).
	 */
	force?: boolean | 'ask' | undefined;
	yes?: boolean | undefined;
	prompter: Prompter;
};

/** The environment's lock (`migrations` unless told) whatever its state, or undefined when none is held; writes nothing. */
export async function findLock(options: Pick<UnlockOptions, 'config' | 'environment' | 'lock' | 'events'>): Promise<LockInfo | undefined> {
	const environment = findEnvironment(options.config.environments, options.environment, options.config.displayFile);
	const connection = await connect(environment, {access: 'read', events: options.events});
	try {
		return await readLock(connection.db, options.lock ?? 'migrations');
	} finally {
		await connection.close();
	}
}

/**
 * Removes an environment's lock left by a run that died or hung.
 * - No lock: returns without `removed`, changing nothing.
 * - A live lease (not expired, and its holder not known gone from this machine)
 *   is refused with a `locked` error saying the holder looks alive, unless
 *   `force` (or, with `force: 'ask'`, the user says yes to forcing it).
 * - Asks first (`confirmDestructive`: a yes/no question, the environment's name
 *   when protected; `yes` confirms up front), with the holder in the question;
 *   a yes to forcing is that yes/no, so only a protected environment asks again (its name).
 * - Deletes by the lock's token, so a lock another run took meanwhile is never
 *   removed (that is reported as a `locked` error, nothing removed).
 */
export async function unlock(options: UnlockOptions): Promise<UnlockResult> {
	const lockName = options.lock ?? 'migrations';
	const environment = findEnvironment(options.config.environments, options.environment, options.config.displayFile);
	const connection = await connect(environment, {access: 'read', events: options.events});
	try {
		const base = {environment: environment.name, database: environment.database, lock: lockName};
		const locks = connection.db.collection<LockDocument>(lockCollection);
		const current = await locks.findOne({_id: lockName});
		if (!current) return base;

		const state = lockState(current);
		const reason: UnlockReason = state === 'live' ? 'forced' : state;
		const action = `Remove the ${lockName} lock ${describeLock(current)}`;
		if (reason === 'forced' && options.force !== true) {
			const alive = `The ${lockName} lock on ${environment.name} is ${describeLock(current)}; its holder looks alive (the lease is being renewed)`;
			const ask = options.force === 'ask' && !options.yes;
			if (!ask || !(await options.prompter.confirm({key: 'force', message: `${alive}. Remove it anyway (force)?`, default: false}))) {
				throw new MonarchError('locked', alive, {
					hint: ask
						? 'wait for that run to finish, or force it if you know it is gone'
						: 'wait for that run to finish, or pass --force if you know it is gone',
				});
			}

			await confirmProtected(environment, action, {yes: options.yes, prompter: options.prompter});
		} else {
			await confirmDestructive(environment, action, {yes: options.yes, prompter: options.prompter});
		}

		const {deletedCount} = await locks.deleteOne({_id: lockName, token: current.token});
		if (deletedCount !== 1) {
			throw new MonarchError('locked', `The ${lockName} lock on ${environment.name} changed hands while asking; nothing was removed`, {
				hint: `run \`monarch unlock ${environment.name}${lockName === 'migrations' ? '' : ` --lock ${lockName}`}\` again to see its new holder`,
			});
		}

		return {...base, removed: current, reason};
	} finally {
		await connection.close();
	}
}
