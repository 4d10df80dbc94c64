import {MonarchError} from '../errors.js';
import type {BackupStore} from '../storage/contract.js';
import {checkObjectName} from '../storage/names.js';
import {archiveSuffix, backupShortName, manifestNameFor} from './object-names.js';

/** Longest `--name` we accept, so `<name>__<date>_<n>.archive.gz.manifest.json` stays a valid file name. */
const maxNameLength = 200;

/**
 * The first part of a backup's name: the user's `--name` when given (checked:
 * no `/`, `\`, `..`, leading dot, control characters or empty name, a
 * trailing `.archive.gz` dropped), else the database name.
 */
export function backupBaseName(database: string, name?: string): string {
	if (name === undefined) return database;
	const base = backupShortName(name);
	const problem = nameProblem(base);
	if (problem) {
		throw new MonarchError('usage', `--name ${JSON.stringify(name)}: ${problem}`, {
			hint: 'use letters, digits, "-", "_" and "." only, e.g. --name before_launch',
		});
	}

	return base;
}

function nameProblem(name: string): string | undefined {
	if (name.trim() === '') return 'must not be empty';
	if (name.includes('/') || name.includes('\\')) return 'must not contain "/" or "\\"';
	if (name.includes('..')) return 'must not contain ".."';
	if (name.startsWith('.')) return 'must not start with "."';
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u001F\u007F]/.test(name)) return 'must not contain control characters';
	if (Buffer.byteLength(name) > maxNameLength) return `must be at most ${maxNameLength} bytes`;
	return undefined;
}

/** `YYYY_MM_DD` of a date, in UTC. */
export function backupDate(date: Date): string {
	return date.toISOString().slice(0, 10).replaceAll('-', '_');
}

/**
 * The archive name for a new backup: `<base>__<YYYY_MM_DD>.archive.gz` (UTC),
 * or `..._2.archive.gz`, `_3`... when that name is taken in the store (an
 * archive or its manifest existing counts as taken) or listed in `refused`
 * (names a store already refused to this backup). The name is only a
 * proposal: another backup may take it before this one is stored, and the
 * store's write then refuses it (see `writeBackup`).
 */
export async function nextBackupName(
	store: BackupStore,
	base: string,
	date: Date,
	signal?: AbortSignal,
	refused: readonly string[] = [],
): Promise<string> {
	const stem = `${base}__${backupDate(date)}`;
	checkObjectName(`${stem}${archiveSuffix}`);
	const taken = new Set([...(await store.list(signal)).map(object => object.name), ...refused]);
	for (let counter = 1; ; counter++) {
		const candidate = `${stem}${counter === 1 ? '' : `_${counter}`}${archiveSuffix}`;
		if (!taken.has(candidate) && !taken.has(manifestNameFor(candidate))) return candidate;
	}
}

/** A `<backup>:<env>` argument, split on its last colon. */
export type BackupRef = {
	/** The archive's object name, always ending in `.archive.gz`. */
	backup: string;
	environment: string;
};

/** Reads `<backup>:<env>` (the backup with or without `.archive.gz`); `argument` names it in errors. */
export function parseBackupRef(ref: string, argument = '<backup>:<env>'): BackupRef {
	const colon = ref.lastIndexOf(':');
	const backup = colon === -1 ? '' : ref.slice(0, colon);
	const environment = colon === -1 ? '' : ref.slice(colon + 1);
	if (!backup || !environment) {
		throw new MonarchError('usage', `${argument}: expected <backup>:<env>, got ${JSON.stringify(ref)}`, {
			hint: 'e.g. shop__2026_11_23.archive.gz:development (see `monarch list_backups`)',
		});
	}

	return {backup: archiveNameOf(backup), environment};
}

/** A backup name as users type it (with or without `.archive.gz`) as its archive's object name. */
export function archiveNameOf(backup: string): string {
	const name = backup.endsWith(archiveSuffix) ? backup : `${backup}${archiveSuffix}`;
	return checkObjectName(name);
}
