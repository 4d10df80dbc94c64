/**
 * Access to the real test servers that `npm test` starts (MongoDB or
 * FerretDB, and an S3 gateway) and hands to ava through MONARCH_TEST_*.
 */
import {randomBytes} from 'node:crypto';
import {DeleteObjectsCommand, ListObjectsV2Command, S3Client} from '@aws-sdk/client-s3';
import type {ExecutionContext} from 'ava';
import {type Db, MongoClient} from 'mongodb';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Which server is behind {@link mongoUri}: FerretDB lacks transactions, Decimal128, nested arrays and most index options. */
export type MongoFlavor = 'ferretdb' | 'mongod' | 'external';

/** What an S3 client needs to reach the test bucket. */
export interface S3TestConfig {
	endpoint: string;
	region: string;
	accessKeyId: string;
	secretAccessKey: string;
	bucket: string;
	forcePathStyle: true;
}

/** A per-test database, dropped when the test ends. */
export interface TestDatabase {
	/** Unique database name, `t_<random>`. */
	name: string;
	client: MongoClient;
	db: Db;
}

/** A per-test key prefix in the test bucket, emptied when the test ends. */
export interface TestPrefix {
	client: S3Client;
	bucket: string;
	/** Unique prefix ending in `/`. */
	prefix: string;
}

const HINT =
	'run the tests with `npm test`, which starts the test servers, or start them with `npm run services` and export their addresses';

function required(name: string): string {
	const value = process.env[name];
	if (!value) {
		throw new Error(`${name} is not set: ${HINT}`);
	}

	return value;
}

/** The MongoDB URI of the test server; throws with a hint when tests run outside `npm test`. */
export function mongoUri(): string {
	return required('MONARCH_TEST_MONGODB_URI');
}

/** Which server answers at {@link mongoUri}; `external` when it was given by the developer. */
export function mongoFlavor(): MongoFlavor {
	const flavor = process.env.MONARCH_TEST_MONGODB_FLAVOR;
	return flavor === 'ferretdb' || flavor === 'mongod' ? flavor : 'external';
}

/** The S3 endpoint, keys and bucket of the test server (path-style addressing). */
export function s3Config(): S3TestConfig {
	return {
		endpoint: required('MONARCH_TEST_S3_ENDPOINT'),
		region: process.env.MONARCH_TEST_S3_REGION ?? 'us-east-1',
		accessKeyId: required('MONARCH_TEST_S3_ACCESS_KEY_ID'),
		secretAccessKey: required('MONARCH_TEST_S3_SECRET_ACCESS_KEY'),
		bucket: process.env.MONARCH_TEST_S3_BUCKET ?? 'monarch-test',
		forcePathStyle: true,
	};
}

/** A new S3 client for {@link s3Config}; the caller destroys it. */
export function newS3Client(config: S3TestConfig = s3Config()): S3Client {
	return new S3Client({
		endpoint: config.endpoint,
		region: config.region,
		forcePathStyle: config.forcePathStyle,
		credentials: {accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey},
	});
}

/** A random lowercase suffix, safe in database names and object keys. */
function randomId(): string {
	return randomBytes(6).toString('hex');
}

/** A unique database name, `t_<random>` (short enough for every server's limits). */
export function freshDatabaseName(): string {
	return `t_${randomId()}`;
}

/** A unique S3 key prefix such as `t_1a2b3c4d5e6f/`, so tests sharing the bucket never see each other's objects. */
export function freshBucketPrefix(): string {
	return `t_${randomId()}/`;
}

/**
 * A connected client and a database of the test's own, dropped (and the
 * client closed) when the test finishes, passed or failed.
 */
export async function withDatabase(t: ExecutionContext): Promise<TestDatabase> {
	const name = freshDatabaseName();
	const client = new MongoClient(mongoUri(), {serverSelectionTimeoutMS: 10_000});
	await client.connect();
	t.teardown(async () => {
		try {
			await client.db(name).dropDatabase();
		} finally {
			await client.close();
		}
	});
	return {name, client, db: client.db(name)};
}

/**
 * An S3 client and a fresh key prefix in the test bucket; objects under the
 * prefix are deleted (and the client destroyed) when the test finishes.
 */
export async function withBucketPrefix(t: ExecutionContext): Promise<TestPrefix> {
	const config = s3Config();
	const client = newS3Client(config);
	const prefix = freshBucketPrefix();
	t.teardown(async () => {
		try {
			await deletePrefix(client, config.bucket, prefix);
		} finally {
			client.destroy();
		}
	});
	return {client, bucket: config.bucket, prefix};
}

async function deletePrefix(client: S3Client, bucket: string, prefix: string): Promise<void> {
	let token: string | undefined;
	do {
		const page = await client.send(new ListObjectsV2Command({Bucket: bucket, Prefix: prefix, ContinuationToken: token}));
		const keys = (page.Contents ?? []).flatMap(object => (object.Key ? [{Key: object.Key}] : []));
		if (keys.length > 0) {
			await client.send(new DeleteObjectsCommand({Bucket: bucket, Delete: {Objects: keys, Quiet: true}}));
		}

		token = page.IsTruncated ? page.NextContinuationToken : undefined;
	} while (token);
}
