import type {ProjectConfig} from './config/load.js';
import {confirmDestructive, confirmProtected} from './confirm.js';
import {connect} from './connection.js';
import {findEnvironment} from './environments.js';
import {MonarchError} from './errors.js';
import type {OperationOptions} from './events.js';
import {describeHolder, lockCollection, lockState, readLock, type LockDocument, type LockInfo} from './lease-lock.js';
import type {Prompter} from './prompts.js';

/** The locks `unlock` can remove: the migrations lock, and the lock restores and copies take on their target. */
export const unlockableLocks = ['migrations', 'restore'] as const;
export type UnlockableLock = (typeof unlockableLocks)[number];

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

/** Why the lock could be removed: its holder is gone from this machine, its lease expired, or `--force` on a live one. */
export type UnlockReason = 'gone' | 'expired' | 'forced';

export type UnlockResult = {
	environment: string;
	database: string;
	lock: UnlockableLock;
	/** The lock document that was removed; absent when there was no lock. */
	removed?: LockDocument;
	reason?: UnlockReason;
};

/** One line naming a lock's holder (user, host, pid), since when it holds it and when its lease expires. */
export function describeLock(lock: Pick<LockDocument, 'holder' | 'acquiredAt' | 'expiresAt'>): string {
	return `held by ${describeHolder(lock)} since ${lock.acquiredAt.toISOString()}, lease ${lock.expiresAt.getTime() < Date.now() ? 'expired' : 'expires'} at ${lock.expiresAt.toISOString()}`;
}

/** Why a lock could be removed, in words. */
export const unlockReasons: Record<UnlockReason, string> = {gone: 'its process is gone', expired: 'its lease had expired', forced: 'forced while its lease was live'};

/** What `unlock` did, in one line, in the CLI and the TUI. */
export function describeUnlock(result: UnlockResult): string {
	if (!result.removed) return `No ${result.lock} lock on ${result.environment} (database ${result.database}); nothing to do.`;
	const why = unlockReasons[result.reason ?? 'forced'];
	return `Removed the ${result.lock} lock on ${result.environment}, ${describeLock(result.removed)} (${why}).`;
}

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
				throw new MonarchError('locked', alive, {hint: ask ? 'wait for that run to finish, or force it if you know it is gone' : 'wait for that run to finish, or pass --force if you know it is gone'});
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
