import {createReadStream} from 'node:fs';
import {stat} from 'node:fs/promises';
import {type ArchivePreludeEntry, readArchive, verifyArchive} from '../archive/index.js';
import {type ArchiveCheck, type CheckedArchive, createArchiveCheck} from '../backups/archive-check.js';
import type {BackupResult} from '../backups/backup.js';
import {infoType, isDataCollection} from '../collections.js';
import type {ProjectConfig} from '../config/load.js';
import {findEnvironment} from '../environments.js';
import {isMonarchError, MonarchError} from '../errors.js';
import {ignoreEvents, type OperationOptions} from '../events.js';
import {counted} from '../plural.js';
import type {Prompter} from '../prompts.js';
import {auditAfterCopy, type CopyAudit} from '../scrub/audit-after-copy.js';
import {planScrub, type ScrubReport} from '../scrub/policy.js';
import {loadArchive} from './load-archive.js';
import {type RestoreSource, runRestore} from './restore-flow.js';
import {assertLoadable} from './staging.js';

export type RestoreArchiveFileOptions = OperationOptions & {
	config: ProjectConfig;
	/** A mongodump archive on disk (`mongodump --archive[=FILE] [--gzip]`), gzipped or not; no manifest needed. */
	file: string;
	/** The target environment. */
	environment: string;
	/** `--db`: the archive's database to restore; needed only when it holds several. */
	database?: string | undefined;
	/** `--yes`: confirmed up front. */
	yes?: boolean | undefined;
	prompter: Prompter;
	/** Take a safety backup of a protected target first (default true; `--no-safety-backup`). */
	safetyBackup?: boolean | undefined;
	/** `--scrub`: replace personal data by the scrub rules while loading (a mongodump file says nothing of its origin, so it is never required). */
	scrub?: boolean | undefined;
	/** `--workers`: how many insert workers load the staging collections; 0 for the main thread; default in workers.ts (the main thread on 2 cores or fewer). */
	workers?: number | undefined;
};

export type RestoreArchiveFileResult = {
	file: string;
	/** The archive file's size in bytes, as stored (gzipped or not). */
	size: number;
	/** Its sha256, as read while verifying. */
	sha256: string;
	/** The archive's database that was restored. */
	sourceDatabase: string;
	environment: string;
	database: string;
	/** Documents restored per collection. */
	collections: Array<{name: string; count: number}>;
	/** What the archive holds that is not the restored database's data (mongodump's oplog, users and roles, system collections), skipped. */
	skipped: string[];
	/** The target's collections that the archive does not have, dropped. */
	dropped: string[];
	safetyBackup: BackupResult | undefined;
	scrub: ScrubReport;
	/** `scrub.audit` after `--scrub`: the target audited against the archive file's own documents (read again from the file). */
	audit: CopyAudit | undefined;
};

const hint = 'nothing was changed; check the file, or restore another one';

/**
 * Restores a plain mongodump archive file (what `mongodump --archive --gzip`
 * writes; no manifest) into an environment through {@link runRestore}, the
 * way {@link restore} restores a backup: read its prelude (to pick the
 * database), confirm, take a safety backup of a protected target, load into
 * staging collections while the reader checks every namespace's lengths and
 * CRC (one read of the file; anything wrong is a 'corrupt' error, the staging
 * collections are dropped and the target is untouched), and swap them in. One database of the archive is
 * restored, whatever its name there; an archive of several needs `database`.
 */
export async function restoreArchiveFile(options: RestoreArchiveFileOptions): Promise<RestoreArchiveFileResult> {
	const {config, file, signal} = options;
	const events = options.events ?? ignoreEvents;
	const target = findEnvironment(config.environments, options.environment, config.displayFile);
	const size = await fileSize(file);
	const scrub = options.scrub
		? planScrub(config, {name: file, personalData: false}, target, true, `restore ${file}:${target.name} --file`)
		: undefined;
	const {source, ...restored} = await runRestore({
		...options,
		scrub,
		target,
		async open() {
			const prelude = await readPrelude(file, signal);
			if (options.database === undefined && databasesOf(prelude).length > 1) {
				// Several databases may be one corrupt database name: read it all first, so corruption is called corruption.
				await readWhole(file, signal);
			}

			const selection = selectDatabase(file, prelude, options.database);
			for (const line of selection.skipped) events({type: 'log', level: 'warn', message: `Skipping ${line}`});
			assertLoadable(
				selection.collections.map(entry => ({name: entry.collection, type: infoType(entry.type)})),
				`Archive file ${file}`,
			);
			return fileSource(file, selection, `restore ${target.name}`);
		},
	});
	const audit = await auditAfterCopy({
		config,
		plan: scrub,
		source: undefined,
		archive: {file, database: source.selection.database},
		target: target.name,
		events,
		signal,
	});
	return {
		file,
		size,
		sha256: source.verified().sha256,
		sourceDatabase: source.selection.database,
		environment: target.name,
		database: target.database,
		skipped: source.selection.skipped,
		...restored,
		audit,
	};
}

/** An archive file's picked database as a restore's source: read once, checked while it loads. */
function fileSource(file: string, selection: Selection, label: string): RestoreSource & {selection: Selection; verified(): CheckedArchive} {
	let verified: CheckedArchive | undefined;
	const first = () => {
		if (!verified) throw new MonarchError('internal', `Archive file ${file} was not verified`);
		return verified;
	};

	const data = selection.collections.filter(entry => entry.type !== 'view');
	return {
		selection,
		verified: first,
		describe: `Restore archive file ${file} (database ${selection.database})`,
		kind: 'restore',
		label,
		checkedAgainst: 'the archive',
		async totals() {
			// A mongodump archive says how many documents a collection has only at its end.
			return new Map(data.map(entry => [entry.collection, undefined]));
		},
		async load(staging, events, signal) {
			events({type: 'log', level: 'info', message: `Loading ${file}, verifying it on the way...`});
			const check = createFileCheck(file, selection);
			const input = createReadStream(file, {highWaterMark: 1024 * 1024});
			try {
				await loadArchive(staging, check, input, signal);
			} finally {
				input.destroy();
			}

			verified = check.result();
			const ends = verified.ends;
			const documents = [...ends.values()].reduce((sum, count) => sum + count.count, 0);
			events({
				type: 'restore:verified',
				source: file,
				collections: selection.collections.length,
				documents,
				bytes: verified.size,
				sha256: verified.sha256,
			});
			return new Map(data.map(entry => [entry.collection, ends.get(entry.collection)?.count ?? 0]));
		},
	};
}

/** The database picked from an archive: its collections, and what else the archive holds. */
type Selection = {
	database: string;
	collections: ArchivePreludeEntry[];
	skipped: string[];
};

async function fileSize(file: string): Promise<number> {
	try {
		const info = await stat(file);
		if (!info.isFile())
			throw new MonarchError('usage', `Archive file ${file} is not a file`, {
				hint: 'give the path of a mongodump archive (mongodump --archive=FILE --gzip)',
			});
		return info.size;
	} catch (error) {
		if (isMonarchError(error)) throw error;
		if ((error as {code?: unknown}).code === 'ENOENT') {
			throw new MonarchError('not-found', `Archive file ${file} does not exist`, {
				hint: 'give the path of a mongodump archive (mongodump --archive=FILE --gzip)',
			});
		}

		throw error;
	}
}

/** The archive's prelude (its list of namespaces), reading only as far as its end. */
async function readPrelude(file: string, signal: AbortSignal | undefined): Promise<ArchivePreludeEntry[]> {
	const input = createReadStream(file, {highWaterMark: 64 * 1024});
	try {
		for await (const event of readArchive(input, {source: file, ...(signal ? {signal} : {})})) {
			if (event.type === 'prelude') return event.collections;
		}
	} finally {
		input.destroy();
	}

	throw new MonarchError('corrupt', `Archive ${file} is corrupt: it has no collection list`, {hint});
}

/** Reads a whole archive file, for its framing and CRC checks alone (a corrupt one throws). */
async function readWhole(file: string, signal: AbortSignal | undefined): Promise<void> {
	const input = createReadStream(file, {highWaterMark: 64 * 1024});
	try {
		await verifyArchive(input, {source: file, ...(signal ? {signal} : {})});
	} finally {
		input.destroy();
	}
}

/** The databases whose data a prelude lists (mongodump's special entries left out). */
function databasesOf(prelude: ArchivePreludeEntry[]): string[] {
	return [...new Set(prelude.filter(entry => !specialEntry(entry)).map(entry => entry.db))];
}

/**
 * Why a prelude entry is not data of its database, or undefined when it is:
 * mongodump's oplog entry (database ''), its users, roles and version entries
 * (type '' without metadata, or a `$admin` database), and collections a
 * restore never loads (`system.*`, monarch's own).
 */
function specialEntry(entry: ArchivePreludeEntry): string | undefined {
	if (entry.db === '') return `mongodump's ${entry.collection} entry`;
	if (entry.db.startsWith('$')) return `mongodump's ${entry.db}.${entry.collection} entry`;
	if (entry.type === '' && !entry.metadata) return `mongodump's ${entry.db}.${entry.collection} entry`;
	if (!isDataCollection(entry.collection)) return `${entry.db}.${entry.collection}, not a data collection`;
	return undefined;
}

/** Picks the database to restore: the only one, or `wanted`; lists them when it cannot. */
function selectDatabase(file: string, prelude: ArchivePreludeEntry[], wanted: string | undefined): Selection {
	const skipped: string[] = [];
	const data: ArchivePreludeEntry[] = [];
	for (const entry of prelude) {
		const special = specialEntry(entry);
		if (special) skipped.push(`${special} (not restored)`);
		else data.push(entry);
	}

	const databases = databasesOf(prelude);
	const listed = databases.map(name => JSON.stringify(name)).join(', ');
	if (databases.length === 0) {
		throw new MonarchError(
			'usage',
			`Archive file ${file} holds no database to restore${prelude.length > 0 ? " (only mongodump's special entries)" : ''}; nothing was changed`,
			{
				hint: 'dump a database with mongodump --db NAME --archive=FILE --gzip',
			},
		);
	}

	let database: string;
	if (wanted !== undefined) {
		if (!databases.includes(wanted)) {
			throw new MonarchError('not-found', `--db: archive file ${file} has no database ${JSON.stringify(wanted)}; it holds ${listed}`, {
				hint: 'pass one of those with --db',
			});
		}

		database = wanted;
	} else if (databases.length === 1) {
		database = databases[0]!;
	} else {
		throw new MonarchError(
			'usage',
			`Archive file ${file} holds ${databases.length} databases (${listed}); pick one with --db; nothing was changed`,
			{
				hint: `e.g. --db ${databases[0]}`,
			},
		);
	}

	for (const name of databases) {
		if (name !== database)
			skipped.push(`database ${name} (${counted(data.filter(entry => entry.db === name).length, 'collection')}; not picked with --db)`);
	}

	return {database, collections: data.filter(entry => entry.db === database), skipped};
}

/**
 * The archive check (archive-check.ts) of the picked database only: its
 * prelude entries, documents and ends are read (the rest skipped) while the
 * reader checks every namespace's lengths and CRC; `finish` checks that the
 * read reached every picked collection's end, and `result` says what it
 * added up to.
 */
function createFileCheck(file: string, selection: Selection): ArchiveCheck {
	const picked = new Set(selection.collections.map(entry => entry.collection));
	return createArchiveCheck({
		noun: 'Archive',
		where: file,
		hint,
		prelude(collections, corrupt) {
			const mine = collections.filter(entry => entry.db === selection.database && picked.has(entry.collection));
			if (mine.length !== picked.size) throw corrupt('its collection list changed while it was being read');
			return mine;
		},
	});
}
