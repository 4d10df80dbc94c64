/** An insert pool for tests that drive a StagingLoad directly: its workers write to `db` on the test server, and end with the test. */
import type {ExecutionContext} from 'ava';
import type {Db} from 'mongodb';
import {InsertPool} from '../../source/core/restore/insert-pool.js';
import {mongoUri} from './servers.js';

export function testPool(t: ExecutionContext, db: Db, options: {workers?: number; maxBytes?: number; label?: string} = {}): InsertPool {
	const pool = new InsertPool({
		target: {name: 'test', uri: mongoUri(), database: db.databaseName, hosts: [], displayUri: 'the test server'},
		db,
		workers: options.workers ?? 2,
		maxBytes: options.maxBytes,
		label: options.label ?? 'test',
	});
	t.teardown(async () => pool.close());
	return pool;
}
