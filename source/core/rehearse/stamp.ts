import {randomBytes} from 'node:crypto';
import type {Db} from 'mongodb';
import type {MigrationFile} from '../migrations/discover.js';
import {monarchVersion, runnerIdentity} from '../version.js';
import type {RehearsalStamp} from './report.js';

/**
 * The source server's time: `hello`'s `localTime`, else the cluster time the
 * reply carries (`operationTime`, `$clusterTime`). A rehearsal's age is
 * measured from it, so a rehearsing machine whose clock is ahead or behind
 * cannot make an old rehearsal look young. Undefined when the server says
 * neither (the caller falls back to the machine's clock and says so).
 */
export async function serverTime(db: Db): Promise<Date | undefined> {
	const reply = await db.admin().command({hello: 1});
	if (reply.localTime instanceof Date && !Number.isNaN(reply.localTime.getTime())) return reply.localTime;
	// A bson Timestamp: `t` is its seconds.
	const seconds = (reply.operationTime ?? reply.$clusterTime?.clusterTime)?.t;
	return typeof seconds === 'number' && seconds > 0 ? new Date(seconds * 1000) : undefined;
}

/** `20261207T204212345Z`: a time in an id, sorted as text as in time. */
function compactStamp(at: Date): string {
	return at.toISOString().replaceAll(/[-:.]/g, '');
}

/** A report's id: `<environment>-<stamp>-<6 hex>` (see `RehearsalReport.id`). */
export function rehearsalId(environment: string, takenAt: Date): string {
	return `${environment}-${compactStamp(takenAt)}-${randomBytes(3).toString('hex')}`;
}

/** Whether a report's id carries its copy's time (`takenAt`): ids then sort by name as reports by time. */
export function idDatedAt(id: string, takenAt: string): boolean {
	const at = new Date(takenAt);
	return !Number.isNaN(at.getTime()) && at.toISOString() === takenAt && id.slice(0, -7).endsWith(`-${compactStamp(at)}`);
}

/** The report's own fields, made when the copy is taken: id, the server's time, the pending set, scrubbed, version and who ran it. */
export function rehearsalStamp(environment: string, takenAt: Date, pending: MigrationFile[], scrubbed: boolean): RehearsalStamp {
	const {user, host} = runnerIdentity();
	return {
		id: rehearsalId(environment, takenAt),
		takenAt: takenAt.toISOString(),
		pending: pending.map(({key, checksum}) => ({key, checksum})),
		scrubbed,
		monarchVersion,
		ranBy: `${user}@${host}`,
	};
}
