import type {MongoClientOptions} from 'mongodb';

/**
 * The options of every MongoClient monarch opens: the one `connect` makes
 * (connection.ts) and the one each insert worker makes (backups/insert-worker.ts),
 * and the one connect timeout, which the S3 client (storage/s3.ts) bounds its
 * connections with too. A small file of its own, so a worker thread loads it
 * without the rest of connection.ts.
 */

/** How long to look for a server (MongoDB or S3) before giving up (ms); `MONARCH_CONNECT_TIMEOUT_MS` overrides. */
export function connectTimeoutMs(): number {
	const fromEnvironment = Number(process.env.MONARCH_CONNECT_TIMEOUT_MS);
	return Number.isFinite(fromEnvironment) && fromEnvironment > 0 ? fromEnvironment : 5000;
}

/** A bounded server selection and connect timeout, and monarch's name in the server's logs. */
export function clientOptions(): MongoClientOptions {
	return {
		serverSelectionTimeoutMS: connectTimeoutMs(),
		connectTimeoutMS: connectTimeoutMs(),
		appName: 'monarch',
	};
}
