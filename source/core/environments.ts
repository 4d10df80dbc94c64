import {MonarchError} from './errors.js';
import {redactUri} from './redact.js';

/**
 * `migrate.requireRehearsal` of an environment: migrate and migrate_one there
 * refuse unless a passing rehearsal of exactly its pending migrations was
 * taken within `within` (by its server's clock).
 */
export type RehearsalRequirement = {
	/** As written in monarch.json: `24h`, `7d`. */
	within: string;
	withinMs: number;
	/** A rehearsal on a QuerySet's part of the data counts too (`{"within": "24h", "querySet": true}`); else only one of the whole database. */
	querySet: boolean;
};

/** A database the project manages, as configured in monarch.json. */
export type Environment = {
	name: string;
	/** The connection string with variables resolved. Never print it: use `displayUri`. */
	uri: string;
	/** The connection string with its password hidden. */
	displayUri: string;
	database: string;
	/** Hosts from the URI, without credentials (`db1.example.com:27017`). */
	hosts: string[];
	protected: boolean;
	/** Why the environment is protected (`protected: true`, `named production`, `remote host ...`). */
	protectionReason: string | undefined;
	description: string | undefined;
	/** `personalData: true`: copying or restoring it into an unprotected environment needs `--scrub` or `--no-scrub`. */
	personalData: boolean;
	/** Variables the URI or database refer to that are not set: using the environment fails. */
	missingVariables: string[];
	/** `migrate.requireRehearsal`; undefined when not required (`false`, the default). */
	requireRehearsal: RehearsalRequirement | undefined;
};

const protectedNames = new Set(['production', 'prod']);

/** Hosts from a MongoDB connection string, credentials and options removed. */
export function hostsOf(uri: string): string[] {
	const match = /^mongodb(?:\+srv)?:\/\/([^/?]*)/i.exec(uri);
	if (!match?.[1]) return [];
	const authority = match[1];
	const at = authority.lastIndexOf('@');
	const hostList = at === -1 ? authority : authority.slice(at + 1);
	return hostList
		.split(',')
		.filter(Boolean)
		.map(host => decodeURIComponent(host));
}

/** True for loopback names and addresses and for unix sockets. */
export function isLocalHost(host: string): boolean {
	if (host.startsWith('/') || host.endsWith('.sock')) return true;
	const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
	const lower = name.toLowerCase();
	return (
		lower === 'localhost' ||
		lower.endsWith('.localhost') ||
		lower === '::1' ||
		lower === '0.0.0.0' ||
		/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(lower)
	);
}

/**
 * The seed's rule: an environment is protected when it says so, is named
 * production or prod, or lives on a host that is not this machine.
 */
export function protectionOf(name: string, uri: string, declared: boolean | undefined): string | undefined {
	if (declared === true) return 'protected: true';
	if (protectedNames.has(name.toLowerCase())) return `named ${name}`;
	if (/^mongodb\+srv:/i.test(uri)) return 'remote host (mongodb+srv)';
	const remote = hostsOf(uri).find(host => !isLocalHost(host));
	if (remote) return `remote host ${remote}`;
	return undefined;
}

export function makeEnvironment(input: {
	name: string;
	uri: string;
	database: string;
	protected?: boolean | undefined;
	description?: string | undefined;
	personalData?: boolean | undefined;
	missingVariables?: string[];
	requireRehearsal?: RehearsalRequirement | undefined;
}): Environment {
	const reason = protectionOf(input.name, input.uri, input.protected);
	return {
		name: input.name,
		uri: input.uri,
		displayUri: redactUri(input.uri),
		database: input.database,
		hosts: hostsOf(input.uri),
		protected: reason !== undefined,
		protectionReason: reason,
		description: input.description,
		personalData: input.personalData ?? false,
		missingVariables: input.missingVariables ?? [],
		requireRehearsal: input.requireRehearsal,
	};
}

/** Finds an environment by name, or fails listing the known ones. */
export function findEnvironment(environments: Environment[], name: string, configFile: string): Environment {
	const environment = environments.find(candidate => candidate.name === name);
	if (!environment) {
		const known = environments.map(candidate => candidate.name).join(', ');
		throw new MonarchError('not-found', `Unknown environment "${name}"`, {hint: `known environments in ${configFile}: ${known}`});
	}

	if (environment.missingVariables.length > 0) {
		const variables = environment.missingVariables.join(', ');
		throw new MonarchError('config', `${configFile}: environments.${name}: environment variable ${variables} is not set`, {
			hint: `export ${environment.missingVariables[0]}=... before running monarch`,
		});
	}

	return environment;
}
