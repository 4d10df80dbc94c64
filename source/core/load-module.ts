import {existsSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import type {createJiti} from 'jiti';
import {firstLine, MonarchError} from './errors.js';

/** monarch's public entry point, so that `import ... from 'monarch'` works in any project. */
function publicEntry(): string {
	const here = path.dirname(fileURLToPath(import.meta.url));
	const built = path.join(here, '..', 'index.js');
	return existsSync(built) ? built : path.join(here, '..', 'index.ts');
}

let jiti: ReturnType<typeof createJiti> | undefined;

/**
 * Loads a user's TypeScript or JavaScript file (a migration or a QuerySet) and
 * returns the first export that carries `brand`. Fails naming the file.
 */
export async function loadBrandedClass<T>(file: string, brand: symbol, what: string, hint: string): Promise<T> {
	// jiti loads with the first user file, not with every start of monarch.
	jiti ??= (await import('jiti')).createJiti(import.meta.url, {alias: {monarch: publicEntry()}, moduleCache: false, fsCache: false});
	let loaded: Record<string, unknown>;
	try {
		loaded = (await jiti.import(file)) as Record<string, unknown>;
	} catch (error) {
		const reason = firstLine(error instanceof Error ? error.message : String(error));
		throw new MonarchError('config', `${file}: cannot load: ${reason}`, {hint: 'fix the file; nothing was run', cause: error});
	}

	const candidates = [loaded.default, ...Object.values(loaded)];
	const found = candidates.find(value => typeof value === 'function' && (value as unknown as Record<symbol, unknown>)[brand] === true);
	if (!found) {
		throw new MonarchError('config', `${file}: no ${what} class exported`, {hint});
	}

	return found as T;
}
