import type {Db, MongoClient} from 'mongodb';
import {describeError} from './errors.js';
import {type AbandonedScratch, type EventSink, ignoreEvents} from './events.js';

export type {AbandonedScratch} from './events.js';

import {acquireLock, type HeldLock, type LockDocument, lockCollection, probeHolder} from './lease-lock.js';

/**
 * A rehearsal's scratch database (`<database>_rehearsal_<stamp>`, on the
 * rehearsal environment's server) carries a marker: a lease lock named
 * {@link scratchMarker} in its own `monarch_locks` (not data: never copied,
 * snapshotted or diffed), taken before anything is copied into it, renewed by
 * its heartbeat while the rehearsal runs, gone with the database at the end.
 * A database named like a scratch database whose marker's owner is gone (its
 * pid no longer exists on this machine) or, for an owner on another machine,
 * whose lease expired was left by a killed rehearsal: every command that
 * opens that server for writing drops it (`connect`, `write`), a read-only one
 * reports it. Without a marker (older monarch, `--keep`) or with a live owner,
 * it is left alone.
 *
 * This module is the ground floor's: it knows the name and the marker, not
 * the rehearsal that makes them.
 */
export const scratchMarker = 'rehearsal';

/**
 * `_rehearsal_YYYYMMDD_HHMMSS` (a rehearsal's copy) or `_subset_YYYYMMDD_HHMMSS`
 * (the sets a `--subset` run spilled, see subset/spill-place.ts) at the end of
 * a database's name; both carry the same marker and are swept alike.
 */
const scratchSuffix = /_(rehearsal|subset)_\d{8}_\d{6}$/;

/** The longest database name monarch accepts (see databaseNameProblem). */
const maxDatabaseName = 63;

/** `20261128_215003`: a rehearsal's stamp, in UTC. */
export function rehearsalStamp(at: Date): string {
	const iso = at.toISOString();
	return `${iso.slice(0, 10).replaceAll('-', '')}_${iso.slice(11, 19).replaceAll(':', '')}`;
}

/** `<database>_rehearsal_<stamp>`, the source's part shortened so the whole fits in 63 characters. */
export function scratchDatabaseName(sourceDatabase: string, at: Date): string {
	const suffix = `_rehearsal_${rehearsalStamp(at)}`;
	return `${sourceDatabase.slice(0, maxDatabaseName - suffix.length)}${suffix}`;
}

/** `<database>_subset_<stamp>`: where a `--subset` run's large sets spill, marked and swept as a rehearsal's scratch database is. */
export function subsetScratchName(database: string, at: Date): string {
	const suffix = `_subset_${rehearsalStamp(at)}`;
	return `${database.slice(0, maxDatabaseName - suffix.length)}${suffix}`;
}

/** Whether a database is named as {@link scratchDatabaseName} or {@link subsetScratchName} name them. */
export function isScratchDatabaseName(name: string): boolean {
	return scratchSuffix.test(name);
}

/**
 * Marks `db` as a rehearsal's scratch database owned by this process: takes
 * its {@link scratchMarker} lease (an atomic insert; refused with a `locked`
 * error when another live run holds it) and renews it: `stop` before dropping
 * the database (the marker goes with it), `release` (removes the marker)
 * before keeping it: a kept database carries no marker and is never dropped
 * for it.
 */
export async function markScratchDatabase(db: Db, options: {leaseMs: number; signal?: AbortSignal | undefined}): Promise<HeldLock> {
	return acquireLock(db, scratchMarker, {leaseMs: options.leaseMs, waitMs: 0, signal: options.signal});
}

type Found = AbandonedScratch & {token: string};

/**
 * The scratch databases on `client`'s server whose marker's owner is gone or
 * whose lease expired. Reads only: the database list (names only) and one
 * marker per database named like a scratch database. Never fails the command
 * that opened the server: a server that refuses to list its databases (a user
 * limited to one database), or any error on the way, is a `debug` line and
 * nothing found.
 */
export async function findAbandonedScratch(client: MongoClient, events?: EventSink): Promise<AbandonedScratch[]> {
	const found = await lookingAfter(async () => findMarked(client), [], events);
	return found.map(({database, owner, reason, expiredAt}) => ({database, owner, reason, expiredAt}));
}

/**
 * Drops every abandoned scratch database on `client`'s server
 * ({@link findAbandonedScratch}), one `scratch:dropped` event each. Each is
 * claimed first by deleting exactly the marker it was judged by (its token and
 * lease end), so a rehearsal that renewed its lease in between keeps its
 * database, and of two commands sweeping at once only one drops and reports
 * it. Never fails the command that opened the server (see findAbandonedScratch).
 */
export async function dropAbandonedScratch(
	client: MongoClient,
	options: {environment: string; events?: EventSink | undefined},
): Promise<AbandonedScratch[]> {
	const events = options.events ?? ignoreEvents;
	return lookingAfter(
		async () => {
			const dropped: AbandonedScratch[] = [];
			for (const {token, ...abandoned} of await findMarked(client)) {
				const db = client.db(abandoned.database);
				// One that cannot be dropped is a debug line; the others still go.
				await lookingAfter(
					async () => {
						const claimed = await db
							.collection<LockDocument>(lockCollection)
							.deleteOne({_id: scratchMarker, token, expiresAt: abandoned.expiredAt});
						if (claimed.deletedCount !== 1) return;
						await db.dropDatabase();
						dropped.push(abandoned);
						events({type: 'scratch:dropped', environment: options.environment, ...abandoned});
					},
					undefined,
					events,
				);
			}

			return dropped;
		},
		[],
		events,
	);
}

/** `work`'s result, or `otherwise` with a debug line: looking after scratch databases never fails the command that opened the server. */
async function lookingAfter<T>(work: () => Promise<T>, otherwise: T, events: EventSink | undefined): Promise<T> {
	try {
		return await work();
	} catch (error) {
		events?.({type: 'log', level: 'debug', message: `Could not look after abandoned scratch databases: ${describeError(error)}`});
		return otherwise;
	}
}

async function findMarked(client: MongoClient): Promise<Found[]> {
	// Names only, filtered by the server; still about 0.4 ms per database on FerretDB v1, which sizes each one (measured: 6 ms with 1 database, 38 ms with 100, 130 ms with 300).
	const {databases} = await client
		.db('admin')
		.admin()
		.listDatabases({nameOnly: true, authorizedDatabases: true, filter: {name: {$regex: scratchSuffix.source}}});
	const found: Found[] = [];
	for (const {name} of databases) {
		if (!isScratchDatabaseName(name)) continue;
		const marker = await client.db(name).collection<LockDocument>(lockCollection).findOne({_id: scratchMarker});
		if (!marker) continue; // no marker: an older monarch's, or kept
		const reason = abandonedBecause(marker);
		if (!reason) continue;
		const {user, host, pid} = marker.holder;
		found.push({database: name, owner: {user, host, pid}, reason, expiredAt: marker.expiresAt, token: marker.token});
	}

	return found;
}

/**
 * Why a marker's rehearsal is no longer running, or undefined while it may
 * be. Its process on this machine decides when this machine can tell: gone
 * is gone at once, alive is alive whatever its lease says (a rehearsal held
 * up past its lease, by a slow server or a stopped network, is still running:
 * unlike a lock, nobody waits for its database). Another machine's run is
 * judged by its lease alone.
 */
function abandonedBecause(marker: LockDocument): AbandonedScratch['reason'] | undefined {
	const probed = probeHolder(marker.holder);
	if (probed !== 'unknown') return probed === 'gone' ? 'gone' : undefined;
	return marker.expiresAt.getTime() < Date.now() ? 'expired' : undefined;
}
