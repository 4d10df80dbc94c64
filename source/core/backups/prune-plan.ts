/*
 * What `prune_backups` plans to delete and how the plan reads, in its question
 * and in the CLI's summary. On its own (no store, no catalogue) so it loads
 * without the prune.
 */

import {counted} from '../plural.js';
import type {PendingWrite, StoreLocation} from '../storage/contract.js';
import type {BackupEntry} from './catalogue.js';

/** A backup to delete: its manifest first (it stops being restorable at once), then its archive. */
export type PruneBackup = {kind: 'backup'; entry: BackupEntry; reason: string};
/** An abandoned write to abort (a `.partial-` file, a multipart upload). */
export type PrunePending = {kind: 'pending'; location: StoreLocation; store: string; write: PendingWrite; reason: string};
export type PruneItem = PruneBackup | PrunePending;

export type PrunePlan = {
	items: PruneItem[];
	/** Newest complete backups that the rules would have taken and that are kept (name them to delete them). */
	kept: BackupEntry[];
	/** Bytes the items hold. */
	bytes: number;
	warnings: string[];
};

/** `3 backups (12.4 MB) and 2 pending uploads` for the question and the summary. */
export function describePlan(plan: PrunePlan): string {
	const backups = plan.items.filter(item => item.kind === 'backup').length;
	const pending = plan.items.length - backups;
	const parts = [];
	if (backups > 0) parts.push(counted(backups, 'backup'));
	if (pending > 0) parts.push(counted(pending, 'abandoned write'));
	return parts.join(' and ') || 'nothing';
}
