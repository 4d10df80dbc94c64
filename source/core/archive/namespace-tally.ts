import {Crc64} from './crc64.js';

/**
 * What the archive parser and writer both keep for one namespace: its names
 * (`dataCollection` is the collection its documents are stored under, the
 * buckets for a time-series one), the running CRC-64 of its documents, and
 * how many documents and bytes it has had so far.
 */
export type NamespaceTally = {
	db: string;
	collection: string;
	dataCollection: string;
	crc: Crc64;
	count: number;
	bytes: number;
};

/** A namespace's tally before its first document. */
export function newNamespaceTally(db: string, collection: string, dataCollection: string): NamespaceTally {
	return {db, collection, dataCollection, crc: new Crc64(), count: 0, bytes: 0};
}
