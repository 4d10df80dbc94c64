import type {Db} from 'mongodb';
import {connect} from '../connection.js';
import type {Environment} from '../environments.js';
import {type EventSink, ignoreEvents} from '../events.js';
import type {HeldLock} from '../lease-lock.js';
import {markScratchDatabase, subsetScratchName} from '../scratch-databases.js';
import type {SpillPlace} from './kept-set.js';

/**
 * The spill database of one subset run: `<database>_subset_<stamp>` on the
 * server of `environment` (a copy's target), made on first use and marked as
 * a scratch database (scratch-databases.ts), so a run killed before `drop`
 * leaves nothing the next writing command on that server does not sweep.
 * `drop` drops it (when it was made) and closes the connection.
 */
export function spillPlace(options: {
	environment: Environment;
	leaseMs: number;
	now: () => Date;
	events?: EventSink | undefined;
	signal?: AbortSignal | undefined;
}): SpillPlace & {drop(): Promise<void>; name(): string | undefined} {
	let opened: Promise<{db: Db; marker: HeldLock; close: () => Promise<void>}> | undefined;
	let name: string | undefined;
	return {
		async database() {
			opened ??= (async () => {
				const connection = await connect(options.environment, {access: 'read', events: options.events ?? ignoreEvents});
				try {
					name = subsetScratchName(options.environment.database, options.now());
					const db = connection.client.db(name);
					const marker = await markScratchDatabase(db, {leaseMs: options.leaseMs, signal: options.signal});
					(options.events ?? ignoreEvents)({type: 'log', level: 'debug', message: `Subset sets spill to database ${name}`});
					return {db, marker, close: connection.close};
				} catch (error) {
					await connection.close().catch(() => {});
					throw error;
				}
			})();
			return (await opened).db;
		},
		name: () => name,
		async drop() {
			const made = await opened?.catch(() => undefined);
			if (!made) return;
			const {db, marker, close} = made;
			try {
				await marker.stop();
				await db.dropDatabase();
			} finally {
				await close();
			}
		},
	};
}
