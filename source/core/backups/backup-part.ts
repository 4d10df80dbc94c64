import {sliceWords} from '../part-words.js';
import type {BackupManifest} from './manifest.js';

/** What a backup's manifest says of the part it holds (light: the CLI and the TUI name it without loading the backups subsystem). */
type PartOf = Pick<BackupManifest, 'querySet' | 'subset'>;

/**
 * The part of its source a backup holds, in words (`QuerySet AccountQuerySet`,
 * `subset accounts:2% (both ways), 146 of 400 documents (36.5%)`), or
 * undefined for a backup of the whole database.
 */
export function backupPart(manifest: PartOf): string | undefined {
	const {querySet, subset} = manifest;
	const sliced = subset
		? `${sliceWords(subset)}${subset.only ? ' (subset only)' : ''}, ${subset.documents} of ${subset.totalDocuments} documents${subset.totalDocuments > 0 ? ` (${((100 * subset.documents) / subset.totalDocuments).toFixed(1)}%)` : ''}`
		: undefined;
	if (querySet) return sliced ? `QuerySet ${querySet.name}, ${sliced}` : `QuerySet ${querySet.name}`;
	return sliced;
}

/** The confirmation's line for restoring a partial backup (a QuerySet's or a subset's): it replaces the target's whole data with a part; undefined for a whole backup. */
export function partWarning(manifest: PartOf & Pick<BackupManifest, 'environment'>, target: string): string | undefined {
	const part = backupPart(manifest);
	return part
		? `This backup is a slice of ${manifest.environment} (${part}): restoring it replaces all of ${target}'s data with that part`
		: undefined;
}
