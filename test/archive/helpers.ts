import {PassThrough} from 'node:stream';
import {
	type ArchiveEvent,
	type ArchiveInput,
	type ArchiveNamespaceStats,
	ArchiveWriter,
	type ArchiveWriterOptions,
	type ReadArchiveOptions,
	readArchive,
} from '../../source/core/archive/index.js';

export const writerOptions: ArchiveWriterOptions = {serverVersion: '7.0.14', toolVersion: 'monarch-test'};

/** Runs `build` against a writer over memory and returns the archive bytes and the stats finish gave. */
export async function writeToBuffer(
	build: (writer: ArchiveWriter) => Promise<void>,
	options: Partial<ArchiveWriterOptions> = {},
): Promise<{bytes: Buffer; stats: ArchiveNamespaceStats[]}> {
	const output = new PassThrough();
	const chunks: Buffer[] = [];
	output.on('data', (chunk: Buffer) => chunks.push(chunk));
	const writer = new ArchiveWriter(output, {...writerOptions, ...options});
	await build(writer);
	const stats = await writer.finish();
	return {bytes: Buffer.concat(chunks), stats};
}

/** Every event of an archive, in order. */
export async function readAll(input: ArchiveInput, options: ReadArchiveOptions = {}): Promise<ArchiveEvent[]> {
	const events: ArchiveEvent[] = [];
	for await (const event of readArchive(input, options)) events.push(event);
	return events;
}

/** The documents of each namespace ('db.collection'), concatenated across batches. */
export function documentsByNamespace(events: ArchiveEvent[]): Map<string, Buffer[]> {
	const result = new Map<string, Buffer[]>();
	for (const event of events) {
		if (event.type !== 'documents') continue;
		const key = `${event.db}.${event.collection}`;
		const list = result.get(key) ?? [];
		list.push(...event.documents);
		result.set(key, list);
	}

	return result;
}

/** The `end` events, keyed 'db.collection'. */
export function endsByNamespace(events: ArchiveEvent[]): Map<string, ArchiveNamespaceStats> {
	const result = new Map<string, ArchiveNamespaceStats>();
	for (const event of events) {
		if (event.type === 'end') {
			const {type: _type, ...stats} = event;
			result.set(`${event.db}.${event.collection}`, stats);
		}
	}

	return result;
}

/** Splits bytes into chunks of the given sizes, cycling through them. */
export function chunked(bytes: Buffer, sizes: number[]): Buffer[] {
	const chunks: Buffer[] = [];
	let offset = 0;
	let index = 0;
	while (offset < bytes.length) {
		const size = sizes[index++ % sizes.length]!;
		chunks.push(bytes.subarray(offset, offset + size));
		offset += size;
	}

	return chunks;
}
