import type {BackupStore} from './contract.js';

/**
 * A small object's bytes (a manifest, a rehearsal report), read whole; undefined
 * when it is larger than `maxBytes` (the read stops there). Fails as
 * `store.read` does.
 */
export async function readWhole(store: BackupStore, name: string, maxBytes: number, signal?: AbortSignal): Promise<Buffer | undefined> {
	const stream = await store.read(name, signal);
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of stream) {
		const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
		size += buffer.length;
		if (size > maxBytes) {
			stream.destroy();
			return undefined;
		}

		chunks.push(buffer);
	}

	return Buffer.concat(chunks);
}
