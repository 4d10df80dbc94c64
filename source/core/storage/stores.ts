/*
 * The configured stores, opened: the local folder and S3 (its SDK loaded on
 * the first call). Core's backups use these; the CLI and the TUI only name
 * locations, through ./index.ts, which loads no store.
 */
import path from 'node:path';
import type {ProjectConfig} from '../config/load.js';
import type {S3BackupsConfig} from '../config/schema.js';
import {MonarchError} from '../errors.js';
import type {BackupStore, StoreLocation} from './contract.js';
import {createLocalStore} from './local.js';
import {configuredLocations} from './locations.js';
import {checkObjectName} from './names.js';

/**
 * Every configured store: the local folder first, then S3 (none when `backups` is absent). With `folder`, the
 * stores of that sub-folder of each location instead (`<dir>/<folder>/`, `<prefix><folder>/`): rehearsal reports
 * live in `rehearsals/`, beside the backups and under the same contract, and never among them.
 */
export function openStores(config: ProjectConfig, folder?: string): BackupStore[] {
	return configuredLocations(config).map(location => openStore(config, location, folder));
}

/**
 * The store to use: `location` when given (an error naming `backups.<location>`
 * when it is not configured), else the local folder if configured, else S3.
 */
export function storeFor(config: ProjectConfig, location?: StoreLocation): BackupStore {
	const available = configuredLocations(config);
	if (available.length === 0) {
		throw new MonarchError('config', `${config.displayFile}: backups: no backup location is configured`, {
			hint: 'add "backups": {"local": {"dir": "backups"}} (or "s3": {"bucket": ...}) to monarch.json',
		});
	}

	const chosen = location ?? available[0]!;
	if (!available.includes(chosen)) {
		throw new MonarchError('config', `${config.displayFile}: backups.${chosen} is not configured`, {
			hint: `configure it in monarch.json, or use ${available.map(other => `--from ${other}`).join(' / ')}`,
		});
	}

	return openStore(config, chosen);
}

function openStore(config: ProjectConfig, location: StoreLocation, folder?: string): BackupStore {
	if (folder !== undefined) checkObjectName(folder);
	if (location === 'local') {
		const dir = folder === undefined ? config.backups.local!.dir : path.join(config.backups.local!.dir, folder);
		// Shown as monarch.json is shown: relative to the folder it was loaded from when inside it.
		const fromRoot = path.relative(config.root, dir);
		const display = fromRoot.startsWith('..') || path.isAbsolute(fromRoot) ? dir : path.join(path.dirname(config.displayFile), fromRoot);
		return createLocalStore(dir, display);
	}

	const s3 = config.backups.s3!;
	return lazyS3Store(folder === undefined ? s3 : {...s3, prefix: `${s3.prefix ?? ''}${folder}/`});
}

/**
 * The S3 store, with the AWS SDK (a few hundred modules) loaded on its first
 * call rather than with monarch: a TUI or a local-only command never pays for it.
 */
function lazyS3Store(s3: S3BackupsConfig): BackupStore {
	let store: Promise<BackupStore> | undefined;
	const open = async () => {
		store ??= import('./s3.js').then(module => module.createS3Store(s3));
		return store;
	};
	return {
		location: 's3',
		description: `s3://${s3.bucket}/${s3.prefix ?? ''}`,
		list: async signal => (await open()).list(signal),
		exists: async (name, signal) => (await open()).exists(name, signal),
		write: async (name, body, signal) => (await open()).write(name, body, signal),
		read: async (name, signal) => (await open()).read(name, signal),
		delete: async name => (await open()).delete(name),
		pending: async signal => (await open()).pending(signal),
		abortPending: async write => (await open()).abortPending(write),
	};
}
