import {createReadStream} from 'node:fs';
import {Readable} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import {createGunzip} from 'node:zlib';
import {isMonarchError, MonarchError, throwIfAborted} from '../errors.js';
import {type ArchiveEvent, ArchiveParser, type ArchiveParserOptions} from './parser.js';

/** Where archive bytes come from: a Readable, any (async) iterable of chunks, or one whole buffer. */
export type ArchiveInput = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array> | Uint8Array;

/** Options for readArchive. */
export type ReadArchiveOptions = ArchiveParserOptions & {
	/** Whether the input is gzipped; 'auto' (the default) looks at its first two bytes. */
	gzip?: boolean | 'auto';
	/** Stops reading with a 'cancelled' MonarchError. */
	signal?: AbortSignal;
};

const gunzipChunkSize = 128 * 1024;

function toBuffer(chunk: Uint8Array | string): Buffer {
	if (Buffer.isBuffer(chunk)) return chunk;
	if (typeof chunk === 'string')
		throw new MonarchError('internal', 'The archive input is a text stream', {hint: 'read the archive without an encoding'});
	return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function isZlibError(error: unknown): error is Error & {code: string} {
	const code: unknown = error instanceof Error ? (error as Error & {code?: unknown}).code : undefined;
	return typeof code === 'string' && code.startsWith('Z_');
}

function iteratorOf(input: ArchiveInput): AsyncIterator<Uint8Array | string> | Iterator<Uint8Array> {
	if (input instanceof Uint8Array) return [input][Symbol.iterator]();
	if (Symbol.asyncIterator in input) return input[Symbol.asyncIterator]();
	return input[Symbol.iterator]();
}

/** The input's bytes, gunzipped when asked or when they start with the gzip magic. */
async function* bytesOf(input: ArchiveInput, gzip: boolean | 'auto'): AsyncGenerator<Buffer> {
	const iterator = iteratorOf(input);
	const head: Buffer[] = [];
	let headLength = 0;
	let exhausted = false;
	try {
		while (gzip === 'auto' && headLength < 2) {
			const next = await iterator.next();
			if (next.done) {
				exhausted = true;
				break;
			}

			const chunk = toBuffer(next.value);
			head.push(chunk);
			headLength += chunk.length;
		}

		const replay = async function* (): AsyncGenerator<Buffer> {
			yield* head;
			while (!exhausted) {
				const next = await iterator.next();
				if (next.done) return;
				yield toBuffer(next.value);
			}
		};

		const first = Buffer.concat(head, Math.min(headLength, 2));
		const gzipped = gzip === true || (gzip === 'auto' && first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b);
		if (!gzipped) {
			yield* replay();
			return;
		}

		const gunzip = createGunzip({chunkSize: gunzipChunkSize});
		// Errors of either side reach us through gunzip, which pipeline destroys with them.
		pipeline(Readable.from(replay(), {objectMode: false}), gunzip).catch(() => undefined);
		try {
			for await (const chunk of gunzip) yield chunk as Buffer;
		} finally {
			gunzip.destroy();
		}
	} finally {
		await iterator.return?.();
	}
}

/**
 * Reads a mongodump archive (what `mongodump --archive [--gzip]` writes)
 * as a stream of events, holding only the bytes of the item being read.
 * Anything wrong with the bytes (bad magic, bad lengths, a CRC mismatch,
 * truncation, broken gzip) throws a 'corrupt' MonarchError naming the source
 * and, where it applies, the namespace. Errors of the input stream itself
 * (a missing file...) pass through as they are.
 */
export async function* readArchive(input: ArchiveInput, options: ReadArchiveOptions = {}): AsyncGenerator<ArchiveEvent> {
	const parser = new ArchiveParser(options);
	const name = options.source ? `archive ${options.source}` : 'the archive';
	try {
		for await (const chunk of bytesOf(input, options.gzip ?? 'auto')) {
			throwIfAborted(options.signal, `reading ${name}`);
			for (const event of parser.push(chunk)) yield event;
		}

		throwIfAborted(options.signal, `reading ${name}`);
		parser.end();
	} catch (error) {
		if (isMonarchError(error) || !isZlibError(error)) throw error;
		const truncated = error.code === 'Z_BUF_ERROR';
		const message = `${options.source ? `Archive ${options.source}` : 'The archive'} is corrupt: its gzip stream ${truncated ? 'ends early' : `is damaged (${error.message})`}`;
		throw new MonarchError('corrupt', message, {
			hint: truncated
				? 'the backup file ends early: it was cut short or is still being written'
				: 'the backup file is damaged; restore from another backup',
			cause: error,
		});
	}
}

/** readArchive over a file, named in error messages by its path. */
export async function* readArchiveFile(path: string, options: Omit<ReadArchiveOptions, 'source'> = {}): AsyncGenerator<ArchiveEvent> {
	yield* readArchive(createReadStream(path, {highWaterMark: 1024 * 1024}), {...options, source: path});
}
