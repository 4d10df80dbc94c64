import type {BackupResult} from '../backups/backup.js';
import {backupPart, partWarning} from '../backups/backup-part.js';
import {type FoundBackup, findBackup} from '../backups/catalogue.js';
import type {BackupManifest} from '../backups/manifest.js';
import {createBackupCheck, verifiedBackup} from '../backups/verify.js';
import type {ProjectConfig} from '../config/load.js';
import {findEnvironment} from '../environments.js';
import type {OperationOptions} from '../events.js';
import type {Prompter} from '../prompts.js';
import {auditAfterCopy, type CopyAudit} from '../scrub/audit-after-copy.js';
import {planScrub, type ScrubChoice, type ScrubReport} from '../scrub/policy.js';
import type {StoreLocation} from '../storage/contract.js';
import {loadArchive} from './load-archive.js';
import {type RestoreSource, runRestore} from './restore-flow.js';
import {assertLoadable} from './staging.js';

export type RestoreOptions = OperationOptions & {
	config: ProjectConfig;
	/** The backup's name, with or without `.archive.gz`. */
	backup: string;
	/** The target environment. */
	environment: string;
	/** `--from`: look only in this store. */
	from?: StoreLocation | undefined;
	/** `--yes`: confirmed up front. */
	yes?: boolean | undefined;
	prompter: Prompter;
	/** Take a safety backup of a protected target first (default true; `--no-safety-backup`). */
	safetyBackup?: boolean | undefined;
	/** Lines shown with the confirmation (a rollback's warning; see `ConfirmQuestion.details`). */
	confirmDetails?: string[] | undefined;
	/** `--scrub` / `--no-scrub`: required for a backup of personal data restored into an unprotected environment. */
	scrub?: ScrubChoice;
	/** `--workers`: how many insert workers load the staging collections; 0 for the main thread; default in workers.ts (the main thread on 2 cores or fewer). */
	workers?: number | undefined;
};

export type RestoreResult = {
	archive: string;
	/** The store it came from, for people. */
	store: string;
	manifest: BackupManifest;
	environment: string;
	database: string;
	/** Documents restored per collection. */
	collections: Array<{name: string; count: number}>;
	/** The target's collections that the backup does not have, dropped. */
	dropped: string[];
	safetyBackup: BackupResult | undefined;
	scrub: ScrubReport;
	/** `scrub.audit`: the audit of a scrubbed restore's target against the backup's environment, run after the restore; undefined when off or not scrubbed. */
	audit: CopyAudit | undefined;
};

/**
 * Restores a complete backup into an environment through {@link runRestore}:
 * confirm, take a safety backup of a protected target, load into staging
 * collections while checking the backup against its manifest (one read of
 * it), and swap them in only when every check and insert succeeded; the end
 * state equals the backup, and a corrupt backup leaves the target as it was.
 */
export async function restore(options: RestoreOptions): Promise<RestoreResult> {
	const {config, signal} = options;
	const target = findEnvironment(config.environments, options.environment, config.displayFile);
	const found = await findBackup(config, options.backup, {from: options.from, signal});
	const scrub = planScrub(config, backupOrigin(config, found.manifest), target, options.scrub, `restore ${found.archive}:${target.name}`);
	// A partial backup (a QuerySet's or a subset's) replaces the target's whole data with a part: said with the question.
	const slice = partWarning(found.manifest, target.name);
	if (slice && !options.yes) options.events?.({type: 'log', level: 'warn', message: slice});
	const {source, ...restored} = await runRestore({
		...options,
		confirmDetails: slice ? [...(options.confirmDetails ?? []), slice] : options.confirmDetails,
		scrub,
		target,
		open: async () => backupSource(found, `restore ${target.name}`),
	});
	const {store, archive, manifest} = source.found;
	const audit = await auditAfterCopy({
		config,
		plan: scrub,
		source: manifest.environment,
		target: target.name,
		events: options.events,
		signal,
	});
	return {archive, store: store.description, manifest, environment: target.name, database: target.database, ...restored, audit};
}

/** Where a backup's data came from, for the personal-data policy: a scrubbed backup holds none; otherwise its manifest says, or (for older manifests) its environment in monarch.json does. */
function backupOrigin(config: ProjectConfig, manifest: BackupManifest): {name: string; personalData: boolean} {
	if (manifest.scrub) return {name: manifest.environment, personalData: false};
	const personalData =
		manifest.personalData ?? config.environments.find(environment => environment.name === manifest.environment)?.personalData ?? false;
	return {name: `backup of ${manifest.environment}`, personalData};
}

/** A complete monarch backup as a restore's source: read once, checked against its manifest while it loads. */
function backupSource(found: FoundBackup, label: string): RestoreSource & {found: FoundBackup} {
	const {store, archive, manifest} = found;
	assertLoadable(manifest.collections, `Backup ${archive}`);
	const counts = new Map(manifest.collections.filter(entry => entry.type !== 'view').map(entry => [entry.name, entry.count]));
	const part = backupPart(manifest);
	const origin = `${manifest.environment} (database ${manifest.database}, ${manifest.createdAt.slice(0, 19).replace('T', ' ')} UTC${part ? `, ${part}` : ''})`;
	return {
		found,
		describe: `Restore backup ${archive} of ${origin}`,
		kind: 'restore',
		label,
		checkedAgainst: 'the backup',
		async totals() {
			return counts;
		},
		async load(staging, events, signal) {
			events({type: 'log', level: 'info', message: `Loading ${store.description}${archive}, verifying it on the way...`});
			const check = createBackupCheck(store, archive, manifest);
			const input = await store.read(archive, signal);
			try {
				await loadArchive(staging, check, input, signal);
			} finally {
				input.destroy();
			}

			const verified = verifiedBackup(check.result());
			events({
				type: 'restore:verified',
				source: `${store.description}${archive}`,
				collections: manifest.collections.length,
				documents: verified.count,
				bytes: manifest.size,
				sha256: manifest.sha256,
			});
			return counts;
		},
	};
}
