/*
 * What `unlock` removes and how its result reads, in the CLI and the TUI: the
 * lock names (commander's `--lock` choices), the result's type and its line.
 * On their own (no connection, no driver) so the CLI registers `unlock` and
 * the TUI shows a result without loading the unlock itself.
 */
import {describeHolder, type LockDocument} from './lease-lock.js';

/** The locks `unlock` can remove: the migrations lock, and the lock restores and copies take on their target. */
export const unlockableLocks = ['migrations', 'restore'] as const;
export type UnlockableLock = (typeof unlockableLocks)[number];

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
export const unlockReasons: Record<UnlockReason, string> = {
	gone: 'its process is gone',
	expired: 'its lease had expired',
	forced: 'forced while its lease was live',
};

/** What `unlock` did, in one line, in the CLI and the TUI. */
export function describeUnlock(result: UnlockResult): string {
	if (!result.removed) return `No ${result.lock} lock on ${result.environment} (database ${result.database}); nothing to do.`;
	const why = unlockReasons[result.reason ?? 'forced'];
	return `Removed the ${result.lock} lock on ${result.environment}, ${describeLock(result.removed)} (${why}).`;
}
