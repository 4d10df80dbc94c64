import {createRequire} from 'node:module';
import {type Db, type Document, MongoServerError} from 'mongodb';
import {deserialize} from '../bson.js';

/**
 * Inserting documents that are already BSON, as mongorestore does: the bytes
 * read from an archive or a raw cursor go to the server as they are, in the
 * `documents` sequence of an OP_MSG insert, never decoded and re-encoded.
 * That keeps every document byte for byte (field order included, which a
 * JavaScript object loses for integer-like keys) at a fraction of the CPU.
 *
 * The driver builds such sequences for its own inserts (`DocumentSequence`
 * in `mongodb/lib/cmap/commands.js`) but does not export it. It is found
 * once, by feature: with a driver without it (or with another shape),
 * inserts fall back to decoding with
 * every BSON type kept and `insertMany`, which is correct but slower, and
 * loses the order of integer-like keys (`MONARCH_DECODED_INSERTS=1` forces
 * that path, to compare the two).
 */

type Sequence = {push(document: unknown, buffer: Uint8Array): number};
type SequenceClass = new (field: string) => Sequence;

/** The OP_MSG insert command's limit for one message is 48 MB; a chunk stays well below it. */
const maxChunkBytes = 16 * 1024 * 1024;
/** The server's maxWriteBatchSize. */
const maxChunkDocuments = 100_000;
/** Decoding options that keep every value's BSON type (the fallback). */
const exact = {promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true} as const;

function findDocumentSequence(): SequenceClass | undefined {
	try {
		const commands = createRequire(import.meta.url)('mongodb/lib/cmap/commands.js') as {DocumentSequence?: unknown};
		const candidate = commands.DocumentSequence;
		if (typeof candidate !== 'function' || typeof (candidate.prototype as Partial<Sequence>).push !== 'function') return undefined;
		return candidate as SequenceClass;
	} catch {
		return undefined;
	}
}

const DocumentSequence = process.env.MONARCH_DECODED_INSERTS === '1' ? undefined : findDocumentSequence();

type InsertReply = {
	n?: number;
	writeErrors?: Array<{index: number; code: number; errmsg?: string}>;
	writeConcernError?: {code: number; errmsg?: string};
};

/**
 * Inserts raw BSON documents into `collection` of `db`, unordered, in as
 * few commands as the server's limits allow. Resolves once every document
 * was inserted; throws the server's error for the first refused document
 * (with how many were refused), so a load never goes on with documents
 * missing. The buffers are not changed; they are read until it settles.
 */
export async function insertRaw(db: Db, collection: string, documents: readonly Uint8Array[]): Promise<void> {
	if (documents.length === 0) return;
	if (!DocumentSequence) {
		await db.collection(collection).insertMany(
			documents.map(document => deserialize(document, exact)),
			{ordered: false, bypassDocumentValidation: true},
		);
		return;
	}

	let start = 0;
	while (start < documents.length) {
		const sequence = new DocumentSequence('documents');
		let bytes = 0;
		let end = start;
		while (
			end < documents.length &&
			end - start < maxChunkDocuments &&
			(end === start || bytes + documents[end]!.byteLength <= maxChunkBytes)
		) {
			bytes += documents[end]!.byteLength;
			// The first argument is what command monitoring would show; the bytes are what is sent.
			sequence.push(documents[end], documents[end]!);
			end++;
		}

		const reply = (await db.command({
			insert: collection,
			documents: sequence as unknown as Document[],
			ordered: false,
			bypassDocumentValidation: true,
		})) as InsertReply;
		const refused = reply.writeErrors ?? [];
		if (refused.length > 0) {
			const first = refused[0]!;
			throw new MongoServerError({
				message: `${first.errmsg ?? `error ${first.code}`}${refused.length > 1 ? ` (and ${refused.length - 1} more of ${end - start} documents refused)` : ''}`,
				code: first.code,
				errmsg: first.errmsg,
			});
		}

		if (reply.writeConcernError)
			throw new MongoServerError({message: reply.writeConcernError.errmsg ?? 'write concern error', code: reply.writeConcernError.code});
		if (reply.n !== end - start)
			throw new MongoServerError({message: `the server inserted ${reply.n ?? 0} of ${end - start} documents and reported no error`});
		start = end;
	}
}
