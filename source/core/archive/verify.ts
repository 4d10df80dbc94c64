import {MonarchError} from '../errors.js';
import type {ArchiveHeader, ArchiveNamespaceStats} from './format.js';
import type {ArchivePreludeEntry} from './parser.js';
import {type ArchiveInput, type ReadArchiveOptions, readArchive} from './reader.js';

/** What an archive holds, read end to end with every length and CRC checked. */
export type ArchiveSummary = {
	header: ArchiveHeader;
	collections: ArchivePreludeEntry[];
	/** One entry per namespace, in the order their EOF blocks came. */
	namespaces: ArchiveNamespaceStats[];
};

/** Reads a whole archive without keeping its documents; throws a 'corrupt' MonarchError when it is not sound. */
export async function verifyArchive(input: ArchiveInput, options: ReadArchiveOptions = {}): Promise<ArchiveSummary> {
	let header: ArchiveHeader | undefined;
	let collections: ArchivePreludeEntry[] = [];
	const namespaces: ArchiveNamespaceStats[] = [];
	for await (const event of readArchive(input, options)) {
		if (event.type === 'header') header = event.header;
		else if (event.type === 'prelude') collections = event.collections;
		else if (event.type === 'end')
			namespaces.push({db: event.db, collection: event.collection, count: event.count, bytes: event.bytes, crc: event.crc});
	}

	if (!header) throw new MonarchError('internal', 'The archive reader ended without a header');
	return {header, collections, namespaces};
}
