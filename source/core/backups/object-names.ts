/*
 * The object names of a backup in a store: `<name>.archive.gz` and its
 * manifest `<name>.archive.gz.manifest.json`. On their own (no zod, no
 * archive code) so that what only shows or checks names loads nothing else.
 */

export const archiveSuffix = '.archive.gz';
export const manifestSuffix = '.manifest.json';

/** The manifest's object name beside `archive`. */
export function manifestNameFor(archive: string): string {
	return `${archive}${manifestSuffix}`;
}

/** A backup's name without `.archive.gz`, as `list_backups` shows it and `restore <backup>:<env>` takes it. */
export function backupShortName(archive: string): string {
	return archive.endsWith(archiveSuffix) ? archive.slice(0, -archiveSuffix.length) : archive;
}
