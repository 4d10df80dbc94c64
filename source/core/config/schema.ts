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

/** A rehearsal's greatest age: a whole number of minutes, hours, days or weeks (`"90m"`, `"24h"`, `"7d"`, `"2w"`). */
const rehearsalAgePattern = /^([1-9]\d{0,5})(m|h|d|w)$/;
const rehearsalAgeUnitsMs = {m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000} as const;

/** The milliseconds of a `requireRehearsal` age (`"24h"` is 86,400,000); undefined when it is not one. */
export function rehearsalAgeMs(text: string): number | undefined {
	const match = rehearsalAgePattern.exec(text);
	if (!match) return undefined;
	return Number(match[1]) * rehearsalAgeUnitsMs[match[2] as keyof typeof rehearsalAgeUnitsMs];
}

const rehearsalAge = z.string().regex(rehearsalAgePattern, 'a duration such as "90m", "24h", "7d" or "2w"');

/**
 * `migrate.requireRehearsal` of an environment: `false` (the default), the
 * greatest age of the rehearsal's copy (`"24h"`), or that with `querySet: true`
 * when a rehearsal on a QuerySet's part of the data counts too.
 */
const requireRehearsalSchema = z.union(
	[z.literal(false), rehearsalAge, z.strictObject({within: rehearsalAge, querySet: z.boolean().default(false)})],
	{error: 'expected false, a duration such as "24h" or "7d", or {"within": "24h", "querySet": true}'},
);

/** An environment's `migrate`: what its migrate and migrate_one require. */
const environmentMigrateSchema = z.strictObject({
	requireRehearsal: requireRehearsalSchema.default(false),
});

const environmentSchema = z.strictObject({
	uri: z.string().min(1, 'required'),
	database: databaseName,
	protected: z.boolean().optional(),
	description: z.string().optional(),
	/** Holds customers' personal data: copies and restores of it into unprotected environments must say `--scrub` or `--no-scrub`. */
	personalData: z.boolean().optional(),
	/** `migrate.requireRehearsal`: migrate and migrate_one refuse unless a passing rehearsal of exactly the pending migrations is this young. */
	migrate: environmentMigrateSchema.optional(),
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
export type RequireRehearsalConfig = z.output<typeof requireRehearsalSchema>;
export type S3BackupsConfig = z.output<typeof s3BackupsSchema>;
export type LocalBackupsConfig = z.output<typeof localBackupsSchema>;
