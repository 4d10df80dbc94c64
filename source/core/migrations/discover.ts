import {createHash} from 'node:crypto';
import {readdir, readFile} from 'node:fs/promises';
import path from 'node:path';
import {MonarchError} from '../errors.js';

/** A migration file found on disk. */
export type MigrationFile = {
	/** The file name without extension: the migration's identity in history. */
	key: string;
	file: string;
	/** sha256 of the file's bytes, to spot files changed after they ran. */
	checksum: string;
};

const extensions = ['.ts', '.mts', '.js', '.mjs'];

export function isMigrationFileName(name: string): boolean {
	return extensions.includes(path.extname(name)) && !name.endsWith('.d.ts') && !name.startsWith('.');
}

export function keyOf(fileName: string): string {
	return fileName.slice(0, fileName.length - path.extname(fileName).length);
}

/** Every migration in the folder, sorted by name, with checksums. */
export async function discoverMigrations(dir: string): Promise<MigrationFile[]> {
	let names: string[];
	try {
		names = (await readdir(dir, {withFileTypes: true}))
			.filter(entry => entry.isFile() && isMigrationFileName(entry.name))
			.map(entry => entry.name);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			throw new MonarchError('config', `The migrations folder ${dir} does not exist`, {
				hint: 'run `monarch init`, or set migrationsDir in monarch.json',
			});
		}

		throw error;
	}

	names.sort();
	const seen = new Map<string, string>();
	for (const name of names) {
		const key = keyOf(name);
		const other = seen.get(key);
		if (other) {
			throw new MonarchError('config', `${path.join(dir, other)} and ${name} are the same migration "${key}"`, {
				hint: 'keep one of the two files',
			});
		}

		seen.set(key, name);
	}

	return Promise.all(
		names.map(async name => {
			const file = path.join(dir, name);
			const checksum = createHash('sha256')
				.update(await readFile(file))
				.digest('hex');
			return {key: keyOf(name), file, checksum};
		}),
	);
}
