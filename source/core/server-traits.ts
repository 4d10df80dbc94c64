import type {Db} from 'mongodb';

/**
 * What a load must know about the server it writes to, read once from
 * `buildInfo` (never guessed from an error code). FerretDB v1 keeps only
 * `key`, `name` and `unique` of an index, has no `dropTarget` rename, cannot
 * rename a collection whose name holds a dot, and loads faster into indexed
 * collections; a MongoDB server keeps every option, so a load that meets a
 * refused option there fails instead of silently degrading the index.
 */
export type ServerTraits = {
	/** `FerretDB 1.24.2` or `MongoDB 7.0.4`, for messages. */
	description: string;
	/** The index spec fields the server keeps, when it is known to lack the others (FerretDB); undefined: it keeps them all. */
	indexFields: ReadonlySet<string> | undefined;
	/** True when the server is known to lack collection options at create (FerretDB): a refused option is left out with a warning. */
	lacksCollectionOptions: boolean;
	/** Build indexes on the empty staging collections, before the documents (faster on FerretDB's SQLite). */
	indexesFirst: boolean;
	/** False when a collection whose name holds a dot cannot be renamed (FerretDB v1). */
	renamesDottedNames: boolean;
	/** False when `renameCollection` has no `dropTarget` (FerretDB v1): the swap drops, then renames. */
	renameDropsTarget: boolean;
	/** False when a read of an `_id` range scans the whole collection (FerretDB v1 on SQLite): splitting a collection into ranges then costs a scan per range. */
	indexedIdRanges: boolean;
};

/** What FerretDB v1 keeps of an index spec. */
const ferretdbIndexFields: ReadonlySet<string> = new Set(['key', 'name', 'unique']);

/** The traits of a FerretDB v1 server, and of any other (a MongoDB). */
export function traitsFor(buildInfo: {version?: unknown; ferretdbVersion?: unknown}): ServerTraits {
	if (buildInfo.ferretdbVersion !== undefined) {
		// An embedded FerretDB built from the module proxy reports its version as `unknown`.
		const version = String(buildInfo.ferretdbVersion).replace(/^v/, '');
		return {
			description: version === 'unknown' ? 'FerretDB' : `FerretDB ${version}`,
			indexFields: ferretdbIndexFields,
			lacksCollectionOptions: true,
			indexesFirst: true,
			renamesDottedNames: false,
			renameDropsTarget: false,
			indexedIdRanges: false,
		};
	}

	return {
		description: `MongoDB ${String(buildInfo.version ?? 'unknown')}`,
		indexFields: undefined,
		lacksCollectionOptions: false,
		indexesFirst: false,
		renamesDottedNames: true,
		renameDropsTarget: true,
		indexedIdRanges: true,
	};
}

/** Reads the server's traits from `buildInfo`. */
export async function serverTraits(db: Db): Promise<ServerTraits> {
	return traitsFor(await db.command({buildInfo: 1}));
}
