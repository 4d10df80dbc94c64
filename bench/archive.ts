/**
 * Throughput of the mongodump archive writer and reader on ~200k small
 * documents, in memory (no disk, no server): `npx tsx bench/archive.ts`.
 * BENCH_DOCS and BENCH_RUNS change the size and the number of runs.
 */
import {Readable, Writable} from 'node:stream';
import {ObjectId, serialize} from 'bson';
import {type ArchiveCollection, ArchiveWriter, Crc64, readArchive} from '../source/core/archive/index.js';
import {median} from './table.js';

const documentCount = Number(process.env.BENCH_DOCS ?? 200_000);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const batchSize = 1000;
const namespaces = ['users', 'orders', 'events', 'sessions'];

const documents = Array.from({length: documentCount}, (_, index) =>
	Buffer.from(
		serialize({
			_id: new ObjectId(),
			n: index,
			name: `user-${index}`,
			score: index * 1.5,
			active: index % 2 === 0,
			tags: ['a', 'b'],
			at: new Date(1_700_000_000_000 + index),
		}),
	),
);
const documentBytes = documents.reduce((sum, document) => sum + document.length, 0);
const prelude: ArchiveCollection[] = namespaces.map(collection => ({
	db: 'bench',
	collection,
	type: 'collection',
	metadata: {indexes: [], collectionName: collection},
}));

async function writeArchive(gzip: false | number): Promise<Buffer> {
	const chunks: Buffer[] = [];
	const output = new Writable({
		highWaterMark: 1024 * 1024,
		write(chunk: Buffer, _encoding, callback) {
			chunks.push(chunk);
			callback();
		},
	});
	const writer = new ArchiveWriter(output, {serverVersion: '7.0.0', toolVersion: 'bench', gzip});
	await writer.writePrelude(prelude);
	// Batches of the four namespaces interleave, as parallel dumps do.
	for (let start = 0, turn = 0; start < documentCount; start += batchSize, turn++) {
		await writer.writeDocuments('bench', namespaces[turn % namespaces.length]!, documents.slice(start, start + batchSize));
	}

	for (const collection of namespaces) await writer.endCollection('bench', collection);
	await writer.finish();
	return Buffer.concat(chunks);
}

async function readBack(bytes: Buffer): Promise<number> {
	let count = 0;
	const input = Readable.from(chunksOf(bytes, 64 * 1024));
	for await (const event of readArchive(input)) {
		if (event.type === 'documents') count += event.documents.length;
	}

	if (count !== documentCount) throw new Error(`read ${count} documents, wrote ${documentCount}`);
	return count;
}

function chunksOf(bytes: Buffer, size: number): Buffer[] {
	const chunks: Buffer[] = [];
	for (let offset = 0; offset < bytes.length; offset += size) chunks.push(bytes.subarray(offset, offset + size));
	return chunks;
}

async function time(run: () => Promise<unknown> | unknown): Promise<number> {
	await run(); // warm-up
	const samples: number[] = [];
	for (let index = 0; index < runs; index++) {
		const started = performance.now();
		await run();
		samples.push(performance.now() - started);
	}

	return median(samples);
}

const plain = await writeArchive(false);
const gzip6 = await writeArchive(6);
const gzip1 = await writeArchive(1);
const flat = Buffer.concat(documents);

const rows: Array<{case: string; ms: number; bytes: number; docs?: number}> = [
	{case: 'crc64 alone', ms: await time(() => new Crc64().update(flat).digest()), bytes: flat.length},
	{case: 'write plain', ms: await time(() => writeArchive(false)), bytes: plain.length, docs: documentCount},
	{case: 'write gzip level 1', ms: await time(() => writeArchive(1)), bytes: plain.length, docs: documentCount},
	{case: 'write gzip level 6', ms: await time(() => writeArchive(6)), bytes: plain.length, docs: documentCount},
	{case: 'read plain', ms: await time(() => readBack(plain)), bytes: plain.length, docs: documentCount},
	{case: 'read gzip (level 1 file)', ms: await time(() => readBack(gzip1)), bytes: plain.length, docs: documentCount},
	{case: 'read gzip (level 6 file)', ms: await time(() => readBack(gzip6)), bytes: plain.length, docs: documentCount},
];

const width = Math.max(...rows.map(row => row.case.length));
console.log(
	`\nmongodump archive: ${documentCount} documents, ${(documentBytes / 1e6).toFixed(1)} MB of BSON (${Math.round(documentBytes / documentCount)} B each), archive ${(plain.length / 1e6).toFixed(1)} MB, gzip -1 ${(gzip1.length / 1e6).toFixed(1)} MB, gzip -6 ${(gzip6.length / 1e6).toFixed(1)} MB; median of ${runs} runs`,
);
console.log(`  ${'case'.padEnd(width)}  ${'ms'.padStart(8)}  ${'MB/s'.padStart(8)}  ${'docs/s'.padStart(11)}`);
for (const row of rows) {
	const mbPerSecond = row.bytes / 1e6 / (row.ms / 1000);
	const docsPerSecond = row.docs ? Math.round(row.docs / (row.ms / 1000)).toLocaleString('en-US') : '';
	console.log(
		`  ${row.case.padEnd(width)}  ${row.ms.toFixed(1).padStart(8)}  ${mbPerSecond.toFixed(0).padStart(8)}  ${docsPerSecond.padStart(11)}`,
	);
}

console.log('  (MB/s counts uncompressed archive bytes)');
