/**
 * One insert worker of an `InsertPool` (insert-pool.ts), in a thread of
 * its own: one MongoClient to the target, opened at start with the options of
 * every monarch client, and each batch it is sent (documents end to end in
 * one buffer) inserted with `insertRaw`, replying ok or the error in a
 * form that crosses threads. On `close` it waits for its batches, closes
 * the client and ends.
 */
import {parentPort, workerData} from 'node:worker_threads';
import {MongoClient} from 'mongodb';
import {clientOptions} from '../client-options.js';
import type {InsertReply, InsertRequest, InsertWorkerData, SerializedError} from './insert-pool.js';
import {insertRaw} from './raw-insert.js';

const port = parentPort;
if (!port) throw new Error('insert-worker.js runs in a worker thread of an InsertPool');
const {uri, database} = workerData as InsertWorkerData;
const client = new MongoClient(uri, clientOptions());
// Connecting now overlaps with the main thread's preparations; a failure is each batch's error.
const connected = client.connect().then(
	() => undefined,
	(error: unknown) => error,
);
const running = new Set<Promise<void>>();

port.on('message', (request: InsertRequest) => {
	if (request.type === 'close') {
		void close();
		return;
	}

	const work = insertBatch(request).then(
		() => reply({id: request.id, ok: true}),
		(error: unknown) => reply({id: request.id, ok: false, error: serialize(error)}),
	);
	running.add(work);
	void work.finally(() => running.delete(work));
});

async function insertBatch(request: Extract<InsertRequest, {type: 'insert'}>): Promise<void> {
	const failure = await connected;
	if (failure !== undefined) throw failure;
	await insertRaw(client.db(database), request.collection, split(request.buffer, request.count));
}

/** The documents lying end to end in `buffer` (each starts with its int32 length), as views; exactly `count` of them or it throws. */
function split(buffer: ArrayBuffer, count: number): Uint8Array[] {
	const view = new DataView(buffer);
	const documents: Uint8Array[] = [];
	let offset = 0;
	while (offset < buffer.byteLength) {
		const length = offset + 4 <= buffer.byteLength ? view.getInt32(offset, true) : 0;
		if (length < 5 || offset + length > buffer.byteLength)
			throw new Error(`insert worker: a batch's document at byte ${offset} has a bad length (${length})`);
		documents.push(new Uint8Array(buffer, offset, length));
		offset += length;
	}

	if (documents.length !== count) throw new Error(`insert worker: a batch of ${count} documents held ${documents.length}`);
	return documents;
}

function reply(message: InsertReply): void {
	port!.postMessage(message);
}

/** What the main thread needs of an error: `describeError` reads message, code and code name; `--verbose` the stack. */
function serialize(error: unknown): SerializedError {
	if (!(error instanceof Error)) return {name: 'Error', message: String(error)};
	const {code, codeName} = error as {code?: unknown; codeName?: unknown};
	return {
		name: error.name,
		message: error.message,
		code: typeof code === 'number' || typeof code === 'string' ? code : undefined,
		codeName: typeof codeName === 'string' ? codeName : undefined,
		stack: error.stack,
	};
}

async function close(): Promise<void> {
	await Promise.allSettled(running);
	await client.close().catch(() => {});
	// Ends this thread only (the pool's 'exit' event), whatever the driver still has scheduled.
	process.exit(0);
}
