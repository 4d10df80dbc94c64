import {referencesSchema} from '../subset/references.js';
import {z} from '../zod.js';

/** Names usable on the command line (`restore backup:env`), so no colons or spaces. */
const environmentName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'use letters, digits, "-" and "_" only');

/** Checks a database name once its variables are resolved; returns the problem or undefined. */
export function databaseNameProblem(name: string): string | undefined {
	if (name.length === 0) return 'required';
	if (name.length > 63) return 'at most 63 characters';
	if (/[/\\. "$*<>:|?]/.test(name)) return 'must not contain / \\ . " $ * < > : | ? or spaces';
	return undefined;
}

const databaseName = z
	.string()
	.min(1, 'required')
	.refine(name => name.includes('${') || databaseNameProblem(name) === undefined, {
		error: issue => databaseNameProblem(String(issue.input)) ?? 'invalid',
	});

const environmentSchema = z.strictObject({
	uri: z.string().min(1, 'required'),
	database: databaseName,
	protected: z.boolean().optional(),
	description: z.string().optional(),
	/** Holds customers' personal data: copies and restores of it into unprotected environments must say `--scrub` or `--no-scrub`. */
	personalData: z.boolean().optional(),
});

const localBackupsSchema = z.strictObject({
	dir: z.string().min(1, 'required'),
});

const s3BackupsSchema = z.strictObject({
	bucket: z.string().min(3, 'a bucket name of at least 3 characters'),
	prefix: z.string().default(''),
	region: z.string().min(1).default('us-east-1'),
	endpoint: z.url({message: 'must be a URL such as http://127.0.0.1:7070'}).optional(),
	forcePathStyle: z.boolean().optional(),
	accessKeyId: z.string().optional(),
	secretAccessKey: z.string().optional(),
});

/** `backups.splitCollections`: collections of at least `minDocuments` documents are read by parallel cursors over `_id` ranges (backup, copy_db). */
const splitCollectionsSchema = z.strictObject({
	minDocuments: z
		.number({message: 'a number of documents, such as 100000'})
		.int('a whole number of documents')
		.min(2, 'at least 2 documents'),
});

const lockSchema = z.strictObject({
	leaseSeconds: z.number().positive().max(3600).default(60),
	waitSeconds: z.number().nonnegative().max(86_400).default(30),
});

const migrateSchema = z.strictObject({
	/** Back up a protected environment before running its migrations (`--no-safety-backup` skips it for one run). */
	safetyBackup: z.boolean().default(true),
});

const rehearsalSchema = z.strictObject({
	/** The environment on whose server `monarch rehearse` makes its scratch database (default: the first one not protected that is not the source). */
	environment: environmentName.optional(),
	/** Scrub every rehearsal's copy (as `--scrub`, through the classification's gate) unless `--no-scrub` is given. */
	scrub: z.boolean().default(false),
});

/** The shape of monarch.json. */
export const configSchema = z.strictObject({
	$schema: z.string().optional(),
	environments: z
		.record(environmentName, environmentSchema)
		.refine(environments => Object.keys(environments).length > 0, 'add at least one environment'),
	migrationsDir: z.string().min(1).default('migrations'),
	querysetsDir: z.string().min(1).default('querysets'),
	backups: z
		.strictObject({
			local: localBackupsSchema.optional(),
			s3: s3BackupsSchema.optional(),
			splitCollections: splitCollectionsSchema.optional(),
		})
		.optional(),
	lock: lockSchema.default({leaseSeconds: 60, waitSeconds: 30}),
	migrate: migrateSchema.default({safetyBackup: true}),
	rehearsal: rehearsalSchema.default({scrub: false}),
	/** Scrub rules: collection -> {field path: strategy}, plus `keyEnv`; checked in full by parseScrubConfig. */
	scrub: z.record(z.string(), z.unknown()).optional(),
	/** References between collections (`"campaigns.account_id": "accounts._id"`), followed by `--subset`; each entry checked by references.ts. */
	references: referencesSchema.optional(),
});

export type RawConfig = z.output<typeof configSchema>;
export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type S3BackupsConfig = z.output<typeof s3BackupsSchema>;
export type LocalBackupsConfig = z.output<typeof localBackupsSchema>;
