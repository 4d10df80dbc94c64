import type {ProjectConfig} from './config/load.js';
import {confirmDestructive} from './confirm.js';
import {connect} from './connection.js';
import {findEnvironment} from './environments.js';
import {MonarchError} from './errors.js';
import type {OperationOptions} from './events.js';
import {describeHolder, holderIsGone, lockCollection, type LockDocument} from './lease-lock.js';
import type {Prompter} from './prompts.js';

/** The locks `unlock` can remove: the migrations lock, and the lock restores and copies take on their target. */
export const unlockableLocks = ['migrations', 'restore'] as const;
export type UnlockableLock = (typeof unlockableLocks)[number];

export type UnlockOptions = OperationOptions & {
	config: ProjectConfig;
	environment: string;
	/** Which lock; `migrations` unless told. */
	lock?: UnlockableLock | undefined;
	/** Remove a lease that is still being renewed (its holder looks alive). */
	force?: boolean | undefined;
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
export function describeLock(lock: LockDocument): string {
	return `held by ${describeHolder(lock)} since ${lock.acquiredAt.toISOString()}, lease ${lock.expiresAt.getTime() < Date.now() ? 'expired' : 'expires'} at ${lock.expiresAt.toISOString()}`;
}

/**
 * Removes an environment's lock left by a run that died or hung.
 * - No lock: returns without `removed`, changing nothing.
 * - A live lease (not expired, and its holder not known gone from this machine)
 *   is refused with a `locked` error saying the holder looks alive, unless `force`.
 * - Asks first (`confirmDestructive`: a yes/no question, the environment's name
 *   when protected; `yes` confirms up front), with the holder in the question.
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

		const reason: UnlockReason = holderIsGone(current.holder) ? 'gone' : current.expiresAt.getTime() < Date.now() ? 'expired' : 'forced';
		if (reason === 'forced' && !options.force) {
			throw new MonarchError('locked', `The ${lockName} lock on ${environment.name} is ${describeLock(current)}; its holder looks alive (the lease is being renewed)`, {
				hint: 'wait for that run to finish, or pass --force if you know it is gone',
			});
		}

		await confirmDestructive(environment, `Remove the ${lockName} lock ${describeLock(current)}`, {yes: options.yes, prompter: options.prompter});
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
