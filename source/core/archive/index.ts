export {Crc64, crc64, crc64Hex} from './crc64.js';
export {
	type ArchiveCollection,
	type ArchiveCollectionType,
	type ArchiveHeader,
	type ArchiveNamespaceStats,
	archiveFormatVersion,
	archiveMagic,
	type CollectionMetadata,
	dataCollectionName,
	maxBsonSize,
} from './format.js';
export {parseMetadata, stringifyMetadata} from './metadata.js';
export {type ArchiveEvent, ArchiveParser, type ArchiveParserOptions, type ArchivePreludeEntry} from './parser.js';
export {type ArchiveInput, type ReadArchiveOptions, readArchive, readArchiveFile} from './reader.js';
export {type ArchiveSummary, verifyArchive} from './verify.js';
export {ArchiveWriter, type ArchiveWriterOptions} from './writer.js';
