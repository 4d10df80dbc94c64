/*
 * What a rollback returns and how it reads, in the CLI and the TUI. On its own
 * (no restore machinery) so the result's lines load without the rollback.
 */
import {counted} from '../plural.js';
import type {RestoreResult} from './restore.js';

export type RollbackResult = RestoreResult & {
	/** When the safety backup was taken (ISO). */
	takenAt: string;
	/** The migrations that ran since it was taken, per the history it replaced, oldest first. */
	undone: string[];
};

/** What a rollback did, in the CLI and the TUI: what it restored and undid, and the safety backup that undoes the rollback. */
export function describeRollback(result: RollbackResult): string[] {
	const lines = [
		`Rolled back ${result.environment} (database ${result.database}) to ${result.store}${result.archive}, taken ${utcTime(result.takenAt)}: ${counted(result.undone.length, 'migration')} undone.`,
	];
	const backup = result.safetyBackup;
	if (backup)
		lines.push(
			`Safety backup of ${result.environment} before the rollback: ${backup.store}${backup.archive} (undo with \`monarch restore ${backup.archive}:${result.environment}\`).`,
		);
	return lines;
}

/** `2026-03-01 09:30:00 UTC` from an ISO time. */
export function utcTime(iso: string): string {
	return `${iso.slice(0, 19).replace('T', ' ')} UTC`;
}
