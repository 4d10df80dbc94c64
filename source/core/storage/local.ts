import {randomBytes} from 'node:crypto';
import {createReadStream, createWriteStream} from 'node:fs';
import {link, mkdir, open, readdir, rm, stat} from 'node:fs/promises';
import path from 'node:path';
import type {Readable} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import {MonarchError} from '../errors.js';
import type {BackupStore, PendingWrite, StoredObject} from './contract.js';
import {NameTakenError} from './name-taken.js';
import {checkObjectName} from './names.js';

/** Objects being written are named `.partial-<random>-<name>` and never listed. */
const partialPrefix = '.partial-';
const partialPattern = /^\.partial-[0-9a-f]{12}-(.+)$/;

/**
 * Backups in a local folder. A write goes to a hidden temporary file, is
 * fsynced, then hard-linked into place (and the folder fsynced), so a crash
 * leaves no half-written backup under a real name.
 */
export function createLocalStore(dir: string, displayDir = dir): BackupStore {
	const location = (name: string) => path.join(dir, checkObjectName(name));
	const description = displayDir.endsWith('/') ? displayDir : `${displayDir}/`;
	return {
		location: 'local',
		description,

		async list() {
			let entries;
			try {
				entries = await readdir(dir, {withFileTypes: true});
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
				throw error;
			}

			const objects: StoredObject[] = [];
			for (const entry of entries) {
				if (!entry.isFile() || entry.name.startsWith('.')) continue;
				const info = await stat(path.join(dir, entry.name)).catch(() => undefined);
				if (info) objects.push({name: entry.name, size: info.size, modifiedAt: info.mtime});
			}

			return objects;
		},

		async exists(name) {
			return exists(location(name));
		},

		async write(name, body, signal) {
			const target = location(name);
			// Refused before any byte is read; the link below refuses a name taken meanwhile.
			if (await exists(target)) {
				body.destroy();
				throw new NameTakenError(name, description);
			}

			await mkdir(dir, {recursive: true});
			const temporary = path.join(dir, `${partialPrefix}${randomBytes(6).toString('hex')}-${name}`);
			try {
				await pipeline(body, createWriteStream(temporary, {flags: 'wx'}), {signal});
				const handle = await open(temporary, 'r+');
				try {
					await handle.sync();
				} finally {
					await handle.close();
				}

				// link, unlike rename, never replaces: two writers of one name cannot clobber each other.
				await link(temporary, target).catch((error: NodeJS.ErrnoException) => {
					if (error.code !== 'EEXIST') throw error;
					throw new NameTakenError(name, description, {raced: true});
				});
				await rm(temporary, {force: true});
				await syncFolder(dir);
				return {size: (await stat(target)).size};
			} catch (error) {
				await rm(temporary, {force: true});
				if (signal?.aborted)
					throw new MonarchError('cancelled', `Cancelled writing ${name} to ${displayDir} (nothing was kept)`, {cause: error});
				throw error;
			}
		},

		async read(name, signal) {
			const file = location(name);
			const info = await stat(file).catch(() => undefined);
			if (!info?.isFile())
				throw new MonarchError('not-found', `No backup object ${name} in ${displayDir}`, {hint: 'see `monarch list_backups`'});
			return createReadStream(file, {signal}) as Readable;
		},

		async delete(name) {
			await rm(location(name), {force: true});
		},

		async pending() {
			const entries = await readdir(dir, {withFileTypes: true}).catch((error: NodeJS.ErrnoException) => {
				if (error.code === 'ENOENT') return [];
				throw error;
			});
			const writes: PendingWrite[] = [];
			for (const entry of entries) {
				const name = partialPattern.exec(entry.name)?.[1];
				if (!entry.isFile() || !name) continue;
				const info = await stat(path.join(dir, entry.name)).catch(() => undefined);
				if (info) writes.push({name, id: entry.name, lastActivity: info.mtime, size: info.size});
			}

			return writes;
		},

		async abortPending(write) {
			if (!partialPattern.test(write.id)) throw new MonarchError('internal', `${write.id} is not a pending write in ${description}`);
			await rm(path.join(dir, write.id), {force: true});
		},
	};
}

async function exists(file: string): Promise<boolean> {
	return stat(file).then(
		() => true,
		() => false,
	);
}

async function syncFolder(dir: string): Promise<void> {
	const handle = await open(dir, 'r').catch(() => undefined);
	if (!handle) return;
	try {
		await handle.sync();
	} catch {
		// Some filesystems cannot fsync a folder; the link is still atomic.
	} finally {
		await handle.close();
	}
}
