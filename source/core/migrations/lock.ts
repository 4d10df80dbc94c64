import {randomUUID} from 'node:crypto';
import {setTimeout as sleep} from 'node:timers/promises';
import type {Db} from 'mongodb';
import {MonarchError, throwIfAborted} from '../errors.js';
import {ignoreEvents, type EventSink} from '../events.js';
import {runnerIdentity, type RunnerIdentity} from '../version.js';

export const lockCollection = 'monarch_locks';

/** The document that says who holds a lock, until when. */
export type LockDocument = {
	_id: string;
	token: string;
	holder: RunnerIdentity;
	acquiredAt: Date;
	expiresAt: Date;
};

export type LockOptions = {
	leaseMs: number;
	waitMs: number;
	events?: EventSink;
	signal?: AbortSignal;
	/** How often to retry while waiting (ms). */
	pollMs?: number;
};

/** A held lease. The heartbeat renews it every third of the lease until `release`. */
export type HeldLock = {
	token: string;
	/** Set when a renewal found the lock taken over (this process stalled past the lease). */
	readonly lost: boolean;
	release: () => Promise<void>;
};

const duplicateKey = 11_000;

/**
 * Takes the named lock: one document with a unique `_id`, created by an insert
 * (atomic, no check-then-insert), held as a lease renewed by a heartbeat, and
 * taken over only once expired (deleted by its token, then re-inserted, so two
 * waiters cannot both win). Waits up to `waitMs`, then fails naming the holder.
 */
export async function acquireLock(db: Db, name: string, options: LockOptions): Promise<HeldLock> {
	const events = options.events ?? ignoreEvents;
	const collection = db.collection<LockDocument>(lockCollection);
	const token = randomUUID();
	const deadline = Date.now() + options.waitMs;
	const pollMs = options.pollMs ?? Math.min(500, Math.max(50, options.leaseMs / 10));
	let announced = false;

	for (;;) {
		throwIfAborted(options.signal, 'waiting for the lock');
		const now = new Date();
		try {
			await collection.insertOne({
				_id: name,
				token,
				holder: runnerIdentity(),
				acquiredAt: now,
				expiresAt: new Date(now.getTime() + options.leaseMs),
			});
			events({type: 'lock:acquired'});
			return startHeartbeat(db, name, token, options.leaseMs);
		} catch (error) {
			if ((error as {code?: number}).code !== duplicateKey) throw error;
		}

		const current = await collection.findOne({_id: name});
		if (!current) continue; // released between our insert and read: try again at once
		if (current.expiresAt.getTime() < Date.now()) {
			// An expired lease: its holder died or stalled. Remove exactly that lease.
			await collection.deleteOne({_id: name, token: current.token});
			continue;
		}

		if (!announced) {
			events({type: 'lock:waiting', holder: describeHolder(current), since: current.acquiredAt});
			announced = true;
		}

		if (Date.now() >= deadline) {
			throw new MonarchError('locked', `The ${name} lock is held by ${describeHolder(current)} since ${current.acquiredAt.toISOString()}`, {
				hint: `wait for that run to finish; if it is gone, its lease expires at ${current.expiresAt.toISOString()}`,
			});
		}

		await sleep(Math.max(1, Math.min(pollMs, deadline - Date.now())), undefined, {signal: options.signal}).catch(() => {});
	}
}

export function describeHolder(lock: Pick<LockDocument, 'holder'>): string {
	return `${lock.holder.user}@${lock.holder.host} (pid ${lock.holder.pid})`;
}

function startHeartbeat(db: Db, name: string, token: string, leaseMs: number): HeldLock {
	const collection = db.collection<LockDocument>(lockCollection);
	let lost = false;
	let renewing: Promise<unknown> = Promise.resolve();
	const timer = setInterval(() => {
		renewing = collection
			.updateOne({_id: name, token}, {$set: {expiresAt: new Date(Date.now() + leaseMs)}})
			.then(result => {
				if (result.matchedCount === 0) lost = true;
			})
			.catch(() => {}); // a missed beat is retried at the next one; the lease is three beats long
	}, Math.max(10, Math.floor(leaseMs / 3)));

	return {
		token,
		get lost() {
			return lost;
		},
		async release() {
			clearInterval(timer);
			await renewing;
			await collection.deleteOne({_id: name, token});
		},
	};
}
