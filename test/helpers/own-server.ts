/**
 * A MongoDB server of one test's own, of the test server's kind (mongod when
 * the test server is one, else our FerretDB), stopped when the test ends. For
 * tests of what a command does to a whole server (dropping the scratch
 * databases killed rehearsals left there): on the shared test server, another
 * test file's command could do it first.
 */
import path from 'node:path';
import type {ExecutionContext} from 'ava';
import {ensureServerBinaries} from '../../scripts/servers/index.js';
import {startMongo} from '../../scripts/servers/mongodb.js';
import {logDir} from '../../scripts/servers/paths.js';
import {mongoFlavor} from './servers.js';

/** Starts the server and returns its URI. */
export async function startOwnServer(t: ExecutionContext): Promise<string> {
	const mongod = mongoFlavor() === 'mongod';
	const {ferretdb} = await ensureServerBinaries({ferretdb: !mongod, versitygw: false, log: line => t.log(line)});
	const server = await startMongo({
		choice: mongod ? 'mongod' : 'ferretdb',
		ferretdbBinary: ferretdb,
		logFile: name => path.join(logDir, `${name}-own-${process.pid}.log`),
		timeoutMs: 60_000,
	});
	t.teardown(async () => server.stop());
	return server.uri;
}
