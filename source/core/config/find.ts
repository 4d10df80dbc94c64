import {existsSync} from 'node:fs';
import path from 'node:path';
import {MonarchError} from '../errors.js';

export const configFileName = 'monarch.json';

/** Walks up from `cwd` to the first folder holding monarch.json. */
export function findConfigFile(cwd: string): string {
	let folder = path.resolve(cwd);
	for (;;) {
		const candidate = path.join(folder, configFileName);
		if (existsSync(candidate)) return candidate;
		const parent = path.dirname(folder);
		if (parent === folder) break;
		folder = parent;
	}

	throw new MonarchError('config', `No ${configFileName} found in ${path.resolve(cwd)} or any folder above it`, {
		hint: 'run `monarch init` to create one, or pass --config PATH',
	});
}
