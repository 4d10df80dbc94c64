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

/** Every configured store: the local folder first, then S3 (none when `backups` is absent). */
export function openStores(config: ProjectConfig): BackupStore[] {
	return configuredLocations(config).map(location => openStore(config, location));
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

function openStore(config: ProjectConfig, location: StoreLocation): BackupStore {
	if (location === 'local') {
		const dir = config.backups.local!.dir;
		// Shown as monarch.json is shown: relative to the folder it was loaded from when inside it.
		const fromRoot = path.relative(config.root, dir);
		const display = fromRoot.startsWith('..') || path.isAbsolute(fromRoot) ? dir : path.join(path.dirname(config.displayFile), fromRoot);
		return createLocalStore(dir, display);
	}

	return lazyS3Store(config.backups.s3!);
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
