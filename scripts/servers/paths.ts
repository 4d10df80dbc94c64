import path from 'node:path';
import {fileURLToPath} from 'node:url';

/** Absolute path of the repository root. */
export const repoRoot = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Cache folder for everything the test servers need (git-ignored via `.cache/`). */
export const cacheDir = path.join(repoRoot, '.cache', 'servers');

/** FerretDB's data for `npm start`'s sample shop, kept across runs (git-ignored via `.cache/`). */
export const sampleDataDir = path.join(repoRoot, '.cache', 'sample-data');

/** Where built server binaries live, one file per exact version. */
export const binDir = path.join(cacheDir, 'bin');

/** Where server logs are written, one file per server and process. */
export const logDir = path.join(cacheDir, 'logs');

/** Sources of our embedded FerretDB program. */
export const ferretdbSourceDir = path.join(repoRoot, 'scripts', 'servers', 'ferretdb');

/** File `npm run services` writes so other scripts can find running servers (git-ignored). */
export const servicesFile = path.join(repoRoot, '.monarch-services.json');

/** Path relative to the repository root, for short messages. */
export function relative(file: string): string {
	return path.relative(repoRoot, file) || '.';
}
