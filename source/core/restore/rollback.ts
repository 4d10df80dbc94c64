import type {Db} from 'mongodb';
import {type BackupEntry, listBackups} from '../backups/catalogue.js';
import {archiveNameOf} from '../backups/naming.js';
import type {ProjectConfig} from '../config/load.js';
import {connect} from '../connection.js';
import {type Environment, findEnvironment} from '../environments.js';
import {MonarchError} from '../errors.js';
import {ignoreEvents, type OperationOptions} from '../events.js';
import {type HistoryEntry, readHistory} from '../migrations/history.js';
import {acquireMigrationsLock} from '../migrations/list.js';
import {counted} from '../plural.js';
import type {Prompter} from '../prompts.js';
import {restore} from './restore.js';
import {type RollbackResult, utcTime} from './rollback-lines.js';

export type RollbackOptions = OperationOptions & {
	config: ProjectConfig;
	environment: string;
	/** `--to`: this safety backup instead of the latest. */
	to?: string | undefined;
	/** `--yes`: confirmed up front. */
	yes?: boolean | undefined;
	prompter: Prompter;
};

/**
 * Puts an environment back as it was before a migrate: restores its latest
 * `<database>_before_migrate` safety backup (or `to`) through {@link restore},
 * after saying what that undoes (the migrations that ran since, per history;
 * when the backup was taken; that every write after that time is lost). The
 * restore asks for confirmation (the name typed on a protected environment)
 * and takes its own safety backup there, so a rollback is undone the same way.
 * It holds the environment's migrations lock from reading the history to the
 * end of the restore, so it waits for (or, past `lock.waitSeconds`, refuses
 * naming) a migrate that is running, and no migrate starts meanwhile.
 * Refuses, changing nothing, when the environment has no such backup.
 */
export async function rollback(options: RollbackOptions): Promise<RollbackResult> {
	const {config, signal} = options;
	const events = options.events ?? ignoreEvents;
	const target = findEnvironment(config.environments, options.environment, config.displayFile);
	const chosen = await chooseBackup(config, target, options.to, signal);
	const takenAt = chosen.manifest?.createdAt ?? chosen.createdAt.toISOString();
	// Under the migrations lock: no migrate runs while the history is read and the backup restored.
	const connection = await connect(target, {access: 'write', lock: config.lock, events, signal});
	try {
		const lock = await acquireMigrationsLock(connection.db, config.lock, events, signal);
		try {
			const undone = await migrationsSince(connection.db, chosen.archive, new Date(takenAt));
			const warning = rollbackWarning(target, `${chosen.store}${chosen.archive}`, takenAt, undone);
			for (const message of warning) events({type: 'log', level: 'warn', message});
			const restored = await restore({
				config,
				backup: chosen.archive,
				environment: target.name,
				from: chosen.location,
				yes: options.yes,
				prompter: options.prompter,
				confirmDetails: warning,
				events,
				signal,
			});
			return {...restored, takenAt, undone};
		} finally {
			await lock.release();
		}
	} finally {
		await connection.close();
	}
}

/** A rollback's warning, sent as warning events and shown with its confirmation: what it restores, what it undoes, and that every write since is lost. */
function rollbackWarning(target: Environment, backup: string, takenAt: string, undone: string[]): string[] {
	const when = utcTime(takenAt);
	return [
		`Rolling back ${target.name} to ${backup}, taken ${when}; it undoes ${undone.length === 0 ? 'no recorded migration' : `${counted(undone.length, 'migration')}: ${undone.join(', ')}`}`,
		`Every write to ${target.name} (database ${target.database}) after ${when} is lost, not only the migrations'`,
	];
}

/** The environment's complete `<database>_before_migrate__<date>` backups in every store, newest first. */
async function safetyBackupsOf(config: ProjectConfig, target: Environment, signal: AbortSignal | undefined): Promise<BackupEntry[]> {
	const pattern = new RegExp(`^${escapeRegExp(target.database)}_before_migrate__\\d{4}_\\d{2}_\\d{2}(?:_(\\d+))?\\.archive\\.gz$`);
	const counter = (archive: string) => Number(pattern.exec(archive)?.[1] ?? 1);
	const {backups} = await listBackups(config, {signal});
	return backups
		.filter(entry => entry.state === 'complete' && entry.environment === target.name && pattern.test(entry.archive))
		.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || counter(b.archive) - counter(a.archive));
}

async function chooseBackup(
	config: ProjectConfig,
	target: Environment,
	to: string | undefined,
	signal: AbortSignal | undefined,
): Promise<BackupEntry> {
	const candidates = await safetyBackupsOf(config, target, signal);
	if (to !== undefined) {
		const archive = archiveNameOf(to);
		const found = candidates.find(entry => entry.archive === archive);
		if (found) return found;
		throw new MonarchError('not-found', `--to ${to}: not a safety backup of ${target.name} taken before a migrate; nothing was changed`, {
			hint: candidates.length > 0 ? `pick one of ${candidates.map(entry => entry.archive).join(', ')}` : 'see `monarch list_backups`',
		});
	}

	const [latest] = candidates;
	if (latest) return latest;
	throw new MonarchError(
		'not-found',
		`No safety backup of ${target.name} (${target.database}_before_migrate__<date>) in the configured backup stores; nothing was changed`,
		{
			hint: `\`monarch migrate ${target.name}\` takes one before it runs on a protected environment; take one now with \`monarch backup ${target.name} --name ${target.database}_before_migrate\``,
		},
	);
}

/**
 * The keys of the migrations that ran since that safety backup, oldest first:
 * those started from the first one recorded with it on (one clock, the
 * history's), else, for a backup no entry names, those started after it was taken.
 */
async function migrationsSince(db: Db, archive: string, takenAt: Date): Promise<string[]> {
	const entries: HistoryEntry[] = [...(await readHistory(db)).values()];
	const recorded = entries.filter(entry => entry.safetyBackup?.archive === archive).map(entry => entry.startedAt.getTime());
	const since = recorded.length > 0 ? Math.min(...recorded) : takenAt.getTime();
	return entries
		.filter(entry => entry.startedAt.getTime() >= since)
		.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || a._id.localeCompare(b._id))
		.map(entry => entry._id);
}

function escapeRegExp(text: string): string {
	return text.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
