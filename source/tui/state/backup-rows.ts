import {type BackupEntry, type BackupResult, backupPart, backupShortName} from '../../core/backups/index.js';
import {formatBytes} from '../../core/format.js';
import {counted} from '../../core/plural.js';
import type {CopyResult, RestoreResult} from '../../core/restore/index.js';
import {formatDate, formatShortDate} from '../components/text.js';

/** The cells of a backup's row: name, size, source environment, date, QuerySet (or subset), state. */
export function backupCells(entry: BackupEntry, now = new Date()): string[] {
	return [
		backupShortName(entry.archive),
		entry.size === null ? '-' : formatBytes(entry.size),
		entry.environment ?? '?',
		formatShortDate(entry.createdAt, now),
		entry.querySet?.name ?? (entry.subset ? `subset ${entry.subset.roots.join(' ')}` : '-'),
		entry.state === 'complete' && entry.manifest?.scrub ? 'scrubbed' : entry.state,
	];
}

/** What the `/` filter matches a backup on. */
export function backupFilterText(entry: BackupEntry): string {
	return `${entry.archive} ${entry.environment ?? ''} ${entry.database ?? ''} ${entry.querySet?.name ?? ''} ${entry.store} ${entry.state}`;
}

/** Total documents of a backup (from its manifest), or undefined. */
export function documentCount(entry: BackupEntry): number | undefined {
	return entry.manifest?.collections.reduce((sum, collection) => sum + collection.count, 0);
}

/** The detail lines under the list for the selected backup. */
export function backupDetails(entry: BackupEntry): string[] {
	const where = `${entry.store}${entry.archive}`;
	if (entry.state === 'incomplete') return [where, `incomplete: ${entry.problem ?? 'unknown problem'}; it cannot be restored`];
	const manifest = entry.manifest;
	const collections = manifest
		? `${counted(manifest.collections.length, 'collection')}, ${counted(documentCount(entry) ?? 0, 'document')}`
		: '';
	const source = `${entry.environment ?? '?'} (database ${entry.database ?? '?'}), ${formatDate(entry.createdAt)}`;
	const lines = [where, `${source}: ${collections}`];
	if (manifest?.scrub)
		lines.push(
			`scrubbed with rules ${manifest.scrub.fingerprint}: ${manifest.scrub.collections.map(collection => `${collection.name} (${collection.fields.join(', ')})`).join(', ')}`,
		);
	else if (manifest?.personalData) lines.push('holds personal data: restoring it into an unprotected environment asks whether to scrub it');
	if (entry.querySet) {
		const answers = Object.entries(entry.querySet.answers).map(
			([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`,
		);
		lines.push(`QuerySet ${entry.querySet.name}${answers.length > 0 ? ` (${answers.join(', ')})` : ''}`);
	}

	if (manifest && entry.partial)
		lines.push(`partial: ${backupPart(manifest)}; restoring it replaces the target's whole data with this part`);

	return lines;
}

function documents(collections: Array<{count: number}>): number {
	return collections.reduce((sum, collection) => sum + collection.count, 0);
}

/** The result line of a restore job: collections, documents, the safety backup's name. */
export function restoreSummary(result: RestoreResult): string {
	// The safety backup's full place and the dropped collections are in the log lines above.
	const safety = result.safetyBackup ? ` (safety backup ${backupShortName(result.safetyBackup.archive)})` : '';
	return `Restored ${backupShortName(result.archive)} into ${result.environment}: ${counted(result.collections.length, 'collection')}, ${counted(documents(result.collections), 'document')}${safety}`;
}

/** The result line of a backup job (where it went is in the log line above). */
export function backupSummary(result: BackupResult): string {
	const querySet = result.manifest.querySet ? ` (${result.manifest.querySet.name})` : '';
	return `Backed up ${result.environment}${querySet}: ${counted(result.manifest.collections.length, 'collection')}, ${counted(documents(result.manifest.collections), 'document')}, ${formatBytes(result.manifest.size)} in ${backupShortName(result.archive)}`;
}

/** The result line of a copy job. */
export function copySummary(result: CopyResult): string {
	const querySet = result.querySet ? ` (QuerySet ${result.querySet.name})` : '';
	const safety = result.safetyBackup ? ` (safety backup ${backupShortName(result.safetyBackup.archive)})` : '';
	return `Copied ${result.from}${querySet} into ${result.to}: ${counted(result.collections.length, 'collection')}, ${counted(documents(result.collections), 'document')}${safety}`;
}

/** The result message of a restore or copy: where it went, each collection's documents, what was dropped, the safety backup. */
export function loadResultLines(
	result: {collections: Array<{name: string; count: number}>; dropped: string[]; safetyBackup: BackupResult | undefined},
	into: string,
	from: string,
): string[] {
	const width = Math.max(10, ...result.collections.map(collection => collection.name.length));
	const lines = [
		`from        ${from}`,
		`into        ${into}`,
		`loaded      ${counted(result.collections.length, 'collection')}, ${counted(documents(result.collections), 'document')}`,
		...result.collections.map(collection => `  ${collection.name.padEnd(width)} ${collection.count}`),
	];
	if (result.dropped.length > 0) lines.push(`dropped     ${result.dropped.join(', ')} (not in the source)`);
	lines.push(
		result.safetyBackup
			? `safety      ${result.safetyBackup.store}${result.safetyBackup.archive}`
			: 'safety      none (only a protected target gets a safety backup)',
	);
	return lines;
}
