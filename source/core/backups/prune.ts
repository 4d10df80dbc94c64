import {now} from '../clock.js';
import type {ProjectConfig} from '../config/load.js';
import {describeError, MonarchError, throwIfAborted} from '../errors.js';
import {ignoreEvents, type OperationOptions} from '../events.js';
import type {Prompter} from '../prompts.js';
import type {BackupStore, PendingWrite, StoreLocation} from '../storage/contract.js';
import {openStores, storeFor} from '../storage/stores.js';
import {type BackupEntry, listBackups} from './catalogue.js';
import {manifestNameFor} from './manifest.js';
import {archiveNameOf} from './naming.js';
import {describePlan, type PruneItem, type PrunePlan} from './prune-plan.js';

export type PruneOptions = OperationOptions & {
	config: ProjectConfig;
	/** Backups to delete by name (with or without `.archive.gz`), even the newest of an environment. */
	names?: string[] | undefined;
	/** `--keep N`: keep the N newest complete backups of each environment in each store. */
	keep?: number | undefined;
	/** `--older-than 30d`: complete backups older than this; with `incomplete`, the age leftovers must reach. */
	olderThan?: string | undefined;
	/** `--incomplete`: backups without a (valid) manifest and abandoned writes, instead of complete backups. */
	incomplete?: boolean | undefined;
	from?: StoreLocation | undefined;
	/** `--dry-run`: plan and report, delete nothing. */
	dryRun?: boolean | undefined;
	/** `--yes`: confirmed up front. */
	yes?: boolean | undefined;
	prompter: Prompter;
	/** Shown the plan before the question (the CLI prints it). */
	onPlan?: ((plan: PrunePlan) => void) | undefined;
};

export type PruneResult = PrunePlan & {
	/** False on --dry-run. */
	deleted: boolean;
};

/** Leftovers younger than this are left alone by `--incomplete` unless `--older-than` says otherwise: they may be running backups. */
const defaultIncompleteAge = '1h';

const units: Record<string, number> = {m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000};

/** `30d`, `12h`, `90m`, `2w` as milliseconds; a usage error naming `--older-than` otherwise. */
export function parseAge(text: string): number {
	const match = /^(\d+)([mhdw])$/.exec(text.trim());
	if (!match)
		throw new MonarchError('usage', `--older-than ${JSON.stringify(text)}: expected a whole number and a unit (m, h, d or w)`, {
			hint: 'e.g. --older-than 30d',
		});
	return Number(match[1]) * units[match[2]!]!;
}

/**
 * Deletes old backups and the leftovers of interrupted ones, after showing
 * the plan ({@link PruneOptions.onPlan}) and getting a yes (a terminal
 * prompt, or `yes`; without either it refuses and deletes nothing).
 *
 * What it takes: the backups named; complete backups beyond the `keep`
 * newest of their environment and/or older than `olderThan` (both when both
 * are given); or with `incomplete`, incomplete backups and abandoned writes
 * with no activity for `olderThan` (1 hour by default). It never takes the
 * newest complete backup of an environment in a store unless it is named.
 * A backup goes manifest first, so a half-done prune leaves it incomplete,
 * never a manifest pointing at nothing that looks complete.
 */
export async function pruneBackups(options: PruneOptions): Promise<PruneResult> {
	const plan = await planPrune(options);
	options.onPlan?.(plan);
	if (options.dryRun || plan.items.length === 0) return {...plan, deleted: false};
	if (!options.yes) {
		const confirmed = await options.prompter.confirm({
			key: 'confirm',
			message: `Delete ${describePlan(plan)}?`,
			default: false,
			unattendedHint: 'pass --yes to confirm without a terminal',
		});
		if (!confirmed) throw new MonarchError('refused', 'Not confirmed: nothing was deleted', {hint: 'confirm at the prompt, or pass --yes'});
	}

	await applyPrune(plan, options);
	return {...plan, deleted: true};
}

/** What {@link pruneBackups} would delete, and the newest backups it keeps. Deletes nothing. */
// biome-ignore lint/complexity/noExcessiveCognitiveComplexity: planning by age, count and state at once; to split into one filter per rule
export async function planPrune(options: PruneOptions): Promise<PrunePlan> {
	const {config, signal} = options;
	const names = (options.names ?? []).map(name => archiveNameOf(name));
	if (options.keep !== undefined && (!Number.isInteger(options.keep) || options.keep < 1)) {
		throw new MonarchError('usage', `--keep ${options.keep}: must be a whole number of at least 1`, {
			hint: 'the newest complete backup of each environment is always kept; name a backup to delete it',
		});
	}

	if (options.incomplete && options.keep !== undefined) {
		throw new MonarchError('usage', '--keep: not with --incomplete (incomplete backups are never kept)', {
			hint: 'run prune_backups twice: once with --incomplete, once with --keep',
		});
	}

	if (names.length === 0 && options.keep === undefined && options.olderThan === undefined && !options.incomplete) {
		throw new MonarchError('usage', 'prune_backups: say what to delete', {
			hint: 'pass --keep N, --older-than 30d, --incomplete, or backup names',
		});
	}

	const age = options.olderThan === undefined ? undefined : parseAge(options.olderThan);
	const at = now().getTime();
	const {backups, warnings} = await listBackups(config, {from: options.from, signal});
	const items: PruneItem[] = [];
	const kept: BackupEntry[] = [];
	const taken = new Set<BackupEntry>();
	const take = (entry: BackupEntry, reason: string) => {
		if (taken.has(entry)) return;
		taken.add(entry);
		items.push({kind: 'backup', entry, reason});
	};

	for (const name of names) {
		const matches = backups.filter(entry => entry.archive === name);
		if (matches.length === 0)
			throw new MonarchError('not-found', `No backup ${name}${options.from ? ` in ${options.from}` : ''}; nothing was deleted`, {
				hint: 'see `monarch list_backups`',
			});
		if (matches.length > 1)
			throw new MonarchError('usage', `Backup ${name} is in both ${matches.map(entry => entry.store).join(' and ')}; nothing was deleted`, {
				hint: 'pick one with --from local or --from s3',
			});
		take(matches[0]!, 'named');
	}

	if (options.incomplete) {
		const minimum = age ?? parseAge(defaultIncompleteAge);
		for (const entry of backups) {
			if (entry.state === 'incomplete' && at - entry.createdAt.getTime() >= minimum)
				take(entry, `incomplete (${entry.problem ?? 'no manifest'})`);
		}

		const stores = options.from ? [storeFor(config, options.from)] : openStores(config);
		for (const store of stores) {
			for (const write of await pendingOf(store, warnings, signal)) {
				if (at - write.lastActivity.getTime() < minimum) continue;
				items.push({
					kind: 'pending',
					location: store.location,
					store: store.description,
					write,
					reason: 'abandoned write (DATE is its last activity)',
				});
			}
		}
	} else if (options.keep !== undefined || age !== undefined) {
		// Newest first (listBackups' order), per store and environment.
		const seen = new Map<string, number>();
		for (const entry of backups) {
			if (entry.state !== 'complete') continue;
			const group = `${entry.location}\0${entry.environment}`;
			const rank = (seen.get(group) ?? 0) + 1;
			seen.set(group, rank);
			const beyondKeep = options.keep === undefined || rank > options.keep;
			const old = age === undefined || at - entry.createdAt.getTime() >= age;
			if (!beyondKeep || !old || taken.has(entry)) continue;
			if (rank === 1) {
				kept.push(entry);
				continue;
			}

			const reasons = [];
			if (options.keep !== undefined) reasons.push(`beyond the ${options.keep} newest of ${entry.environment}`);
			if (age !== undefined) reasons.push(`older than ${options.olderThan}`);
			take(entry, reasons.join(', '));
		}
	}

	const bytes = items.reduce((sum, item) => sum + (item.kind === 'backup' ? (item.entry.size ?? 0) : item.write.size), 0);
	return {items, kept, bytes, warnings};
}

async function pendingOf(store: BackupStore, warnings: string[], signal?: AbortSignal): Promise<PendingWrite[]> {
	try {
		return await store.pending(signal);
	} catch (error) {
		if (error instanceof MonarchError && error.code === 'cancelled') throw error;
		warnings.push(`${store.description}: abandoned writes not listed: ${describeError(error)}`);
		return [];
	}
}

/**
 * Deletes a plan's items, one at a time, reporting each. Every item is tried;
 * when some fail, the error names the first and how many, after the rest.
 */
export async function applyPrune(plan: PrunePlan, options: PruneOptions): Promise<void> {
	const events = options.events ?? ignoreEvents;
	const stores = new Map<StoreLocation, BackupStore>();
	const storeAt = (location: StoreLocation) => {
		let store = stores.get(location);
		if (!store) {
			store = storeFor(options.config, location);
			stores.set(location, store);
		}
		return store;
	};

	const failures: string[] = [];
	for (const item of plan.items) {
		throwIfAborted(options.signal, 'the prune');
		try {
			if (item.kind === 'backup') {
				const store = storeAt(item.entry.location);
				await store.delete(manifestNameFor(item.entry.archive));
				await store.delete(item.entry.archive);
				events({type: 'log', level: 'info', message: `Deleted ${item.entry.store}${item.entry.archive}`});
			} else {
				await storeAt(item.location).abortPending(item.write);
				events({type: 'log', level: 'info', message: `Aborted the abandoned write of ${item.store}${item.write.name}`});
			}
		} catch (error) {
			if (error instanceof MonarchError && error.code === 'cancelled') throw error;
			const what =
				item.kind === 'backup' ? `${item.entry.store}${item.entry.archive}` : `the abandoned write of ${item.store}${item.write.name}`;
			failures.push(`${what}: ${describeError(error)}`);
		}
	}

	if (failures.length > 0) {
		throw new MonarchError('internal', `Could not delete ${failures.length} of ${plan.items.length}: ${failures[0]}`, {
			hint: 'fix the cause and run prune_backups again; what was deleted stays deleted',
		});
	}
}
