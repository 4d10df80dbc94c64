import {type Document, EJSON} from '../bson.js';
import type {CollectionMetadata} from './format.js';

/**
 * The prelude's `metadata` string: canonical Extended JSON v2 of
 * {options, indexes, uuid, collectionName, type}, in that order, with empty
 * options, uuid and type left out, as mongodump marshals its Metadata struct.
 *
 * Pass BSON wrapper values (Int32, Double, Long, Decimal128...) in options and
 * index specs to keep their exact types: a plain JS number becomes an Int32
 * when it is an integer that fits and a Double otherwise.
 */
export function stringifyMetadata(metadata: CollectionMetadata): string {
	const ordered: Document = {};
	if (metadata.options && Object.keys(metadata.options).length > 0) ordered.options = metadata.options;
	ordered.indexes = metadata.indexes ?? [];
	if (metadata.uuid) ordered.uuid = metadata.uuid;
	ordered.collectionName = metadata.collectionName;
	if (metadata.type) ordered.type = metadata.type;
	return EJSON.stringify(ordered, {relaxed: false});
}

/**
 * Parses a prelude `metadata` string. Values keep their BSON types (Int32,
 * Double, Long...), so options and index specs can go back to the server as
 * they came. Throws a plain Error on anything that is not such a document.
 */
export function parseMetadata(json: string): CollectionMetadata {
	const value: unknown = EJSON.parse(json, {relaxed: false});
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		throw new Error('metadata is not a JSON object');
	}

	const document = value as Document;
	const {options, indexes, uuid, collectionName, type} = document;
	if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
		throw new Error('metadata options is not an object');
	}

	if (indexes !== undefined && indexes !== null && !Array.isArray(indexes)) {
		throw new Error('metadata indexes is not an array');
	}

	const metadata: Partial<CollectionMetadata> = {};
	if (options !== undefined) metadata.options = options as Document;
	metadata.indexes = (indexes ?? []) as Document[];
	if (typeof uuid === 'string' && uuid !== '') metadata.uuid = uuid;
	metadata.collectionName = typeof collectionName === 'string' ? collectionName : '';
	if (typeof type === 'string' && type !== '') metadata.type = type;
	return metadata as CollectionMetadata;
}
