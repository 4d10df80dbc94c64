import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {type Environment, makeEnvironment, type RehearsalRequirement} from '../environments.js';
import {MonarchError} from '../errors.js';
import {registerSecret, secretsOf} from '../redact.js';
import {parseScrubConfig, type ScrubConfig} from '../scrub/rules-config.js';
import type {Reference} from '../subset/references.js';
import type {z} from '../zod.js';
import {findConfigFile} from './find.js';
import {interpolate} from './interpolate.js';
import {
	configSchema,
	databaseNameProblem,
	type LocalBackupsConfig,
	type RequireRehearsalConfig,
	rehearsalAgeMs,
	type S3BackupsConfig,
} from './schema.js';

/** A validated monarch.json with paths made absolute and variables resolved. */
export type ProjectConfig = {
	/** Absolute path of monarch.json. */
	file: string;
	/** The path to show in messages (relative to the working directory when shorter). */
	displayFile: string;
	/** The folder holding monarch.json. */
	root: string;
	environments: Environment[];
	migrationsDir: string;
	querysetsDir: string;
	backups: {local?: LocalBackupsConfig; s3?: S3BackupsConfig};
	/** `backups.splitCollections.minDocuments`: collections of at least this many documents are read in `_id` ranges by parallel cursors; undefined: the server's default (see `splitThreshold`). */
	splitCollections: {minDocuments: number} | undefined;
	lock: {leaseMs: number; waitMs: number};
	/** `migrate.safetyBackup`: whether migrate and migrate_one back up a protected environment first (default true). */
	migrate: {safetyBackup: boolean};
	/** `rehearsal.environment`: where `monarch rehearse` makes its scratch database (checked to name an environment); undefined picks the default. */
	rehearsal: {
		environment: string | undefined /** `rehearsal.scrub`: rehearsals scrub their copy unless `--no-scrub` is given. */;
		scrub: boolean;
	};
	/** `scrub`: the rules `--scrub` applies, when monarch.json has any. */
	scrub: ScrubConfig | undefined;
	/** `references`: which paths hold another collection's values, followed by `--subset` (empty when monarch.json has none). */
	references: Reference[];
};

export type LoadConfigOptions = {
	cwd?: string;
	/** An explicit path (`--config`); otherwise monarch.json is searched upwards from cwd. */
	configPath?: string | undefined;
	/** Where `${VAR}` values come from; defaults to process.env. */
	variables?: NodeJS.ProcessEnv;
};

export async function loadConfig(options: LoadConfigOptions = {}): Promise<ProjectConfig> {
	const cwd = options.cwd ?? process.cwd();
	const file = options.configPath ? path.resolve(cwd, options.configPath) : findConfigFile(cwd);
	const relative = path.relative(cwd, file);
	const displayFile = relative.length < file.length && !relative.startsWith('..') ? relative : file;

	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		const hint = code === 'ENOENT' ? 'check the --config path, or run `monarch init`' : undefined;
		throw new MonarchError('config', `${displayFile}: cannot read (${code ?? String(error)})`, {hint});
	}

	const json = parseJson(text, displayFile);
	const parsed = configSchema.safeParse(json, {reportInput: true});
	if (!parsed.success) throw configIssue(displayFile, parsed.error);

	const raw = parsed.data;
	const variables = options.variables ?? process.env;
	const root = path.dirname(file);
	const resolve = (value: string, where: string): string => {
		const result = interpolate(value, variables);
		if (result.missing.length > 0) {
			throw new MonarchError('config', `${displayFile}: ${where}: environment variable ${result.missing.join(', ')} is not set`, {
				hint: `export ${result.missing[0]}=... or remove it from ${displayFile}`,
			});
		}

		return result.value;
	};

	const environments = Object.entries(raw.environments).map(([name, entry]) => {
		const uri = interpolate(entry.uri, variables);
		const database = interpolate(entry.database, variables);
		const missingVariables = [...uri.missing, ...database.missing];
		if (missingVariables.length === 0 && !/^mongodb(\+srv)?:\/\//i.test(uri.value)) {
			throw new MonarchError('config', `${displayFile}: environments.${name}.uri: must start with mongodb:// or mongodb+srv://`, {
				hint: 'for example "mongodb://127.0.0.1:27017"',
			});
		}

		const problem = database.missing.length === 0 ? databaseNameProblem(database.value) : undefined;
		if (problem)
			throw new MonarchError('config', `${displayFile}: environments.${name}.database: ${problem}`, {
				hint: 'see the configuration reference in the README',
			});
		for (const secret of secretsOf(uri.value)) registerSecret(secret);
		return makeEnvironment({
			name,
			uri: uri.value,
			database: database.value,
			protected: entry.protected,
			description: entry.description,
			personalData: entry.personalData,
			missingVariables,
			requireRehearsal: rehearsalRequirement(entry.migrate?.requireRehearsal ?? false),
		});
	});

	const rehearsalEnvironment = raw.rehearsal.environment;
	if (rehearsalEnvironment !== undefined && !environments.some(environment => environment.name === rehearsalEnvironment)) {
		throw new MonarchError('config', `${displayFile}: rehearsal.environment: "${rehearsalEnvironment}" is not an environment`, {
			hint: `name one of ${environments.map(environment => environment.name).join(', ')}`,
		});
	}

	const backups: ProjectConfig['backups'] = {};
	if (raw.backups?.local) {
		backups.local = {dir: path.resolve(root, resolve(raw.backups.local.dir, 'backups.local.dir'))};
	}

	if (raw.backups?.s3) {
		const s3 = raw.backups.s3;
		const resolveOptional = (value: string | undefined, where: string) => (value === undefined ? undefined : resolve(value, where));
		const secretAccessKey = resolveOptional(s3.secretAccessKey, 'backups.s3.secretAccessKey');
		registerSecret(secretAccessKey);
		backups.s3 = {
			...s3,
			bucket: resolve(s3.bucket, 'backups.s3.bucket'),
			prefix: resolve(s3.prefix, 'backups.s3.prefix'),
			region: resolve(s3.region, 'backups.s3.region'),
			endpoint: resolveOptional(s3.endpoint, 'backups.s3.endpoint'),
			accessKeyId: resolveOptional(s3.accessKeyId, 'backups.s3.accessKeyId'),
			secretAccessKey,
		};
	}

	let scrub: ScrubConfig | undefined;
	try {
		scrub = raw.scrub ? parseScrubConfig(raw.scrub) : undefined;
	} catch (error) {
		throw new MonarchError('config', `${displayFile}: ${(error as Error).message}`, {hint: 'see "Scrubbed copies" in the README'});
	}

	return {
		file,
		displayFile,
		root,
		environments,
		migrationsDir: path.resolve(root, resolve(raw.migrationsDir, 'migrationsDir')),
		querysetsDir: path.resolve(root, resolve(raw.querysetsDir, 'querysetsDir')),
		backups,
		splitCollections: raw.backups?.splitCollections,
		lock: {leaseMs: raw.lock.leaseSeconds * 1000, waitMs: raw.lock.waitSeconds * 1000},
		migrate: {safetyBackup: raw.migrate.safetyBackup},
		rehearsal: {environment: rehearsalEnvironment, scrub: raw.rehearsal.scrub},
		scrub,
		references: raw.references ?? [],
	};
}

/** `migrate.requireRehearsal` as the gate reads it (its age in milliseconds); undefined for `false`. */
function rehearsalRequirement(value: RequireRehearsalConfig): RehearsalRequirement | undefined {
	if (value === false) return undefined;
	const {within, querySet} = typeof value === 'string' ? {within: value, querySet: false} : value;
	return {within, withinMs: rehearsalAgeMs(within) ?? 0, querySet};
}

function parseJson(text: string, displayFile: string): unknown {
	try {
		return JSON.parse(text);
	} catch (error) {
		const message = (error as Error).message;
		const position = /position (\d+)/.exec(message)?.[1];
		let where = '';
		if (position !== undefined) {
			const before = text.slice(0, Number(position));
			const line = before.split('\n').length;
			const column = Number(position) - before.lastIndexOf('\n');
			where = ` at line ${line}, column ${column}`;
		}

		const reason = message.replace(/ in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, '');
		throw new MonarchError('config', `${displayFile}: invalid JSON${where}: ${reason}`, {
			hint: 'fix the syntax (JSON allows no comments or trailing commas)',
		});
	}
}

function configIssue(displayFile: string, error: z.ZodError): MonarchError {
	const issue = error.issues[0]!;
	const where = issue.path.map(String).join('.') || '(top level)';
	let message = issue.message;
	if (issue.code === 'invalid_type') {
		const received = (issue as {input?: unknown}).input;
		message = received === undefined ? 'required' : `expected ${issue.expected}, got ${describe(received)}`;
	} else if (issue.code === 'unrecognized_keys') {
		message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map(key => `"${key}"`).join(', ')}`;
	} else if (issue.code === 'invalid_key') {
		message = `invalid name: ${issue.issues[0]?.message ?? 'not allowed'}`;
	}

	const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
	return new MonarchError('config', `${displayFile}: ${where}: ${message}${more}`, {hint: 'see the configuration reference in the README'});
}

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'string') return `"${value}"`;
	return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
