import {createHash} from 'node:crypto';
import {Transform} from 'node:stream';

/** A pass-through stream that hashes (sha256) and counts the bytes going through it. */
export type DigestStream = Transform & {
	/** The hex sha256 and byte count; read them once the stream has ended. */
	digest(): {sha256: string; size: number};
};

export function createDigestStream(): DigestStream {
	const hash = createHash('sha256');
	let size = 0;
	let result: {sha256: string; size: number} | undefined;
	const stream = new Transform({
		transform(chunk: Buffer, _encoding, callback) {
			hash.update(chunk);
			size += chunk.length;
			callback(null, chunk);
		},
	});
	return Object.assign(stream, {
		digest() {
			result ??= {sha256: hash.digest('hex'), size};
			return result;
		},
	});
}

/** Yields a stream's chunks while hashing and counting them; `digest()` once the iteration is over. */
export function digestChunks(
	source: AsyncIterable<Uint8Array | string>,
): AsyncIterable<Buffer> & {digest(): {sha256: string; size: number}} {
	const hash = createHash('sha256');
	let size = 0;
	let result: {sha256: string; size: number} | undefined;
	return {
		async *[Symbol.asyncIterator]() {
			for await (const chunk of source) {
				const buffer =
					typeof chunk === 'string'
						? Buffer.from(chunk)
						: Buffer.isBuffer(chunk)
							? chunk
							: Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
				hash.update(buffer);
				size += buffer.length;
				yield buffer;
			}
		},
		digest() {
			result ??= {sha256: hash.digest('hex'), size};
			return result;
		},
	};
}
