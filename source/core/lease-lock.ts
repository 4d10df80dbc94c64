import {randomUUID} from 'node:crypto';
import {readFileSync, readlinkSync} from 'node:fs';
import {setTimeout as sleep} from 'node:timers/promises';
import type {Db} from 'mongodb';
import {MonarchError, throwIfAborted} from './errors.js';
import {type EventSink, ignoreEvents} from './events.js';
import {type RunnerIdentity, runnerIdentity} from './version.js';

/**
 * The lease lock: monarch's one lock, used by migrations (`migrations`) and by
 * restores and copies (`restore`, on the target database). One document per
 * lock in `monarch_locks` of the environment's database.
 */
export const lockCollection = 'monarch_locks';

/** Who holds a lock: the runner, plus what tells this machine and its process table apart from another's (Linux; absent elsewhere). */
export type LockHolder = RunnerIdentity & {
	/** `/proc/sys/kernel/random/boot_id`: differs between machines that share a host name, and after a reboot. */
	bootId?: string;
	/** `/proc/self/ns/pid`: differs between containers that share a host name (`--network host`). */
	pidNamespace?: string;
};

/** The document that says who holds a lock, until when. */
export type LockDocument = {
	_id: string;
	token: string;
	holder: LockHolder;
	acquiredAt: Date;
	expiresAt: Date;
};

export type LockOptions = {
	leaseMs: number;
	waitMs: number;
	events?: EventSink | undefined;
	signal?: AbortSignal | undefined;
	/** How often to retry while waiting (ms). */
	pollMs?: number;
};

/** A held lease. The heartbeat renews it every third of the lease until `release`. */
export type HeldLock = {
	token: string;
	/** Set when a renewal found the lock taken over (this process stalled past the lease). */
	readonly lost: boolean;
	/** Stops the heartbeat and deletes the document. */
	release: () => Promise<void>;
	/**
	 * Stops the heartbeat and leaves the document, whose lease then runs out:
	 * for a holder about to drop the database that holds it (on FerretDB a
	 * renewal after the drop would make its collection again).
	 */
	stop: () => Promise<void>;
};

const duplicateKey = 11_000;

/**
 * Takes the named lock.
 * - Taking it is one insert of a document with a unique `_id`: atomic, never check-then-insert.
 * - It is held as a lease that a heartbeat renews until `release`; `lost` tells that a renewal found it taken over.
 * - A holder's document is taken over when its lease expired, or at once when
 *   {@link holderIsGone} (it ran on this machine and its pid no longer exists).
 *   A live pid, or a holder on another machine, keeps the lock until its lease ends.
 * - Taking over deletes exactly that holder's document (by its token) and then
 *   inserts, so of two waiters only one wins; the winner emits `lock:taken-over`.
 * - Otherwise it waits up to `waitMs` (emitting `lock:waiting` once), then fails
 *   with a `locked` error naming the holder and when its lease expires.
 */
// biome-ignore lint/complexity/noExcessiveCognitiveComplexity: acquire, wait and take over in one loop; to split into the three steps
export async function acquireLock(db: Db, name: string, options: LockOptions): Promise<HeldLock> {
	const events = options.events ?? ignoreEvents;
	const collection = db.collection<LockDocument>(lockCollection);
	const token = randomUUID();
	const deadline = Date.now() + options.waitMs;
	const pollMs = options.pollMs ?? Math.min(500, Math.max(50, options.leaseMs / 10));
	let announced = false;
	let removed: {lock: LockDocument; reason: 'gone' | 'expired'} | undefined;

	for (;;) {
		throwIfAborted(options.signal, 'waiting for the lock');
		const now = new Date();
		try {
			await collection.insertOne({
				_id: name,
				token,
				holder: holderIdentity(),
				acquiredAt: now,
				expiresAt: new Date(now.getTime() + options.leaseMs),
			});
			if (removed)
				events({
					type: 'lock:taken-over',
					lock: name,
					holder: describeHolder(removed.lock),
					reason: removed.reason,
					expiredAt: removed.lock.expiresAt,
				});
			events({type: 'lock:acquired'});
			return startHeartbeat(db, name, token, options.leaseMs);
		} catch (error) {
			if ((error as {code?: number}).code !== duplicateKey) throw error;
			removed = undefined; // another waiter took it first: it is the one that took over
		}

		const current = await collection.findOne({_id: name});
		if (!current) continue; // released between our insert and read: try again at once
		const reason = holderIsGone(current.holder) ? 'gone' : current.expiresAt.getTime() < Date.now() ? 'expired' : undefined;
		if (reason) {
			// Its holder died or stalled: remove exactly that lease, then insert ours (another waiter may insert first).
			const {deletedCount} = await collection.deleteOne({_id: name, token: current.token});
			if (deletedCount === 1) removed = {lock: current, reason};
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

/** The named lock's document when a live run holds it: its lease has not expired and its holder is not {@link holderIsGone}. */
export async function liveLock(db: Db, name: string): Promise<LockDocument | undefined> {
	const lock = await db.collection<LockDocument>(lockCollection).findOne({_id: name});
	return lock && lockState(lock) === 'live' ? lock : undefined;
}

/**
 * Whether a lock's holder may still be running: `gone` when {@link holderIsGone}
 * (its process is gone from this machine), `expired` when its lease ran out,
 * else `live` (its lease is being renewed, as far as can be told).
 */
export type LockState = 'live' | 'gone' | 'expired';

export function lockState(lock: Pick<LockDocument, 'holder' | 'expiresAt'>): LockState {
	if (holderIsGone(lock.holder)) return 'gone';
	return lock.expiresAt.getTime() < Date.now() ? 'expired' : 'live';
}

/** A lock as users are shown it: its holder, since when, until when its lease runs, and its {@link LockState}; no token. */
export type LockInfo = {
	name: string;
	holder: RunnerIdentity;
	acquiredAt: Date;
	expiresAt: Date;
	state: LockState;
};

/** Reads the named lock, whatever its state (undefined when none is held); writes nothing. */
export async function readLock(db: Db, name: string): Promise<LockInfo | undefined> {
	const lock = await db.collection<LockDocument>(lockCollection).findOne({_id: name});
	if (!lock) return undefined;
	const {user, host, pid} = lock.holder;
	return {name, holder: {user, host, pid}, acquiredAt: lock.acquiredAt, expiresAt: lock.expiresAt, state: lockState(lock)};
}

/**
 * True when the holder ran on this machine and its process is gone: same host
 * name (and, where the holder recorded them, the same boot and pid namespace)
 * and `kill(pid, 0)` finds no such process. False whenever that cannot be told.
 */
export function holderIsGone(holder: LockHolder): boolean {
	return probeHolder(holder) === 'gone';
}

/**
 * What this machine can tell of a holder's process: `unknown` when it ran on
 * another machine (another host name, boot or pid namespace), else `gone`
 * when `kill(pid, 0)` finds no such process and `alive` when it does (this
 * process included; EPERM is a process of another user).
 */
export function probeHolder(holder: LockHolder): 'alive' | 'gone' | 'unknown' {
	const self = holderIdentity();
	if (holder.host !== self.host) return 'unknown';
	if (holder.bootId !== undefined && holder.bootId !== self.bootId) return 'unknown';
	if (holder.pidNamespace !== undefined && holder.pidNamespace !== self.pidNamespace) return 'unknown';
	if (holder.pid === process.pid) return 'alive';
	try {
		process.kill(holder.pid, 0);
		return 'alive';
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'ESRCH' ? 'gone' : 'alive'; // EPERM: it lives, under another user
	}
}

export function describeHolder(lock: Pick<LockDocument, 'holder'>): string {
	return `${lock.holder.user}@${lock.holder.host} (pid ${lock.holder.pid})`;
}

let machine: Pick<LockHolder, 'bootId' | 'pidNamespace'> | undefined;

/** This process as a lock holder. */
function holderIdentity(): LockHolder {
	machine ??= {
		bootId: readText(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8')),
		pidNamespace: readText(() => readlinkSync('/proc/self/ns/pid')),
	};
	return {
		...runnerIdentity(),
		...(machine.bootId ? {bootId: machine.bootId} : {}),
		...(machine.pidNamespace ? {pidNamespace: machine.pidNamespace} : {}),
	};
}

function readText(read: () => string): string | undefined {
	try {
		return read().trim() || undefined;
	} catch {
		return undefined; // not Linux, or no /proc
	}
}

function startHeartbeat(db: Db, name: string, token: string, leaseMs: number): HeldLock {
	const collection = db.collection<LockDocument>(lockCollection);
	let lost = false;
	let renewing: Promise<unknown> = Promise.resolve();
	const timer = setInterval(
		() => {
			renewing = collection
				.updateOne({_id: name, token}, {$set: {expiresAt: new Date(Date.now() + leaseMs)}})
				.then(result => {
					if (result.matchedCount === 0) lost = true;
				})
				.catch(() => {}); // a missed beat is retried at the next one; the lease is three beats long
		},
		Math.max(10, Math.floor(leaseMs / 3)),
	);
	const stop = async () => {
		clearInterval(timer);
		await renewing;
	};

	return {
		token,
		get lost() {
			return lost;
		},
		async release() {
			await stop();
			await collection.deleteOne({_id: name, token});
		},
		stop,
	};
}
