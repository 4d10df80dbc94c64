export {Crc64, crc64, crc64Hex} from './crc64.js';
export {
	archiveFormatVersion,
	archiveMagic,
	dataCollectionName,
	maxBsonSize,
	type ArchiveCollection,
	type ArchiveCollectionType,
	type ArchiveHeader,
	type ArchiveNamespaceStats,
	type CollectionMetadata,
} from './format.js';
export {parseMetadata, stringifyMetadata} from './metadata.js';
export {ArchiveParser, type ArchiveEvent, type ArchiveParserOptions, type ArchivePreludeEntry} from './parser.js';
export {readArchive, readArchiveFile, type ArchiveInput, type ReadArchiveOptions} from './reader.js';
export {verifyArchive, type ArchiveSummary} from './verify.js';
export {ArchiveWriter, type ArchiveWriterOptions} from './writer.js';
