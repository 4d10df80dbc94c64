import {Worker} from 'node:worker_threads';
import type {Db} from 'mongodb';
import {byteLength} from '../collect-garbage.js';
import {connectionError} from '../connection.js';
import type {Environment} from '../environments.js';
import {firstLine, MonarchError} from '../errors.js';
import {AdmissionWindow} from './admission-window.js';
import {insertRaw} from './raw-insert.js';
import {checkWorkers, defaultWorkers} from './workers.js';

export {defaultMaxBytes} from './admission-window.js';

/**
 * The insert workers of a restore or copy, as mongorestore's insertion
 * workers: a pool of worker threads (insert-worker.ts), each with one
 * MongoClient to the target, that insert raw BSON batches with `insertRaw`
 * (raw-insert.ts) while the main thread reads, checks and scrubs the source.
 *
 * The first worker starts with the pool (it connects while the caller
 * prepares the load); another starts only when a batch finds every started
 * one busy, up to the pool's size, so a small load costs one thread. A pool
 * of 0 workers inserts on the main thread, through `db`, with the same
 * bounds (mainThreadBatches in flight) and the same contract.
 *
 * A batch crosses to a worker as one transferable ArrayBuffer (its documents
 * end to end: one copy, made only once the pool admits it), with its document
 * count. Batches in flight are bounded by count (two per worker) and by bytes
 * (`maxBytes` across the pool; a batch is always admitted when nothing is in
 * flight, however large), by the pool's {@link AdmissionWindow}
 * (admission-window.ts), and {@link InsertPool.room} lets a feeder wait
 * before it hands over the next one, so memory stays bounded whatever feeds it.
 *
 * An insert the server refuses rejects that batch with the server's error
 * (its message, code and code name, which `describeError` reads as it reads
 * the driver's). A worker that dies fails every batch it held, and every
 * later one, with one line. On abort no batch is admitted any more, and those
 * in flight settle. {@link InsertPool.close} waits for the batches in flight,
 * then closes every worker's client and ends its thread: call it once the
 * load is over, whatever happened.
 */

/** What each worker is started with: where to insert. */
export type InsertWorkerData = {uri: string; database: string};

/** From the main thread to a worker: a batch to insert (`count` documents end to end in `buffer`), or the end. */
export type InsertRequest = {type: 'insert'; id: number; collection: string; count: number; buffer: ArrayBuffer} | {type: 'close'};

/** An error as it crosses from a worker: what `describeError` and `--verbose` read. */
export type SerializedError = {
	name: string;
	message: string;
	code?: number | string | undefined;
	codeName?: string | undefined;
	stack?: string | undefined;
};

/** From a worker to the main thread: a batch inserted, or the error that refused it. */
export type InsertReply = {id: number; ok: true} | {id: number; ok: false; error: SerializedError};

/** How long a closing worker may take to close its client before its thread is ended anyway. */
const closeGraceMs = 10_000;

export type InsertPoolOptions = {
	/** Where the documents go: each worker opens one client to its `uri` (with connection.ts's options) and writes to its `database`. */
	target: Pick<Environment, 'name' | 'uri' | 'database' | 'hosts' | 'displayUri'>;
	/** The target database on the main thread's client: where a pool of 0 workers inserts. */
	db: Db;
	/** How many workers, 0 for the main thread; default {@link defaultWorkers} (see workers.ts). */
	workers?: number | undefined;
	/** Bytes of batches in flight at most, all workers together; default {@link defaultMaxBytes}. */
	maxBytes?: number | undefined;
	/** Names the job in errors, e.g. `restore development` (`Cancelled restore development`). */
	label: string;
	/** Once aborted, no batch is admitted any more (`cancelled`); those in flight settle. */
	signal?: AbortSignal | undefined;
};

let liveWorkers = 0;

/** Insert worker threads alive in this process, every pool together: 0 once every pool was closed (the TUI's process lives on after a job; its tests check). */
export function liveInsertWorkers(): number {
	return liveWorkers;
}

type Batch = {collection: string; resolve: () => void; reject: (error: Error) => void};
type Slot = {
	number: number;
	worker: Worker;
	held: Map<number, Batch>;
	error: Error | undefined;
	stopping: boolean;
	exited: Promise<void>;
	gone: boolean;
};

export class InsertPool {
	/** How many workers at most (they start as the load needs them). */
	readonly size: number;
	/** Batches in flight at most. */
	readonly maxBatches: number;
	/** Bytes in flight at most (a lone batch may be larger). */
	readonly maxBytes: number;
	private readonly options: InsertPoolOptions;
	/** The workers started so far (at most `size`). */
	private readonly slots: Slot[] = [];
	private readonly workerData: InsertWorkerData;
	/** The batches and bytes in flight, and who waits for room. */
	private readonly window: AdmissionWindow;
	private nextId = 0;
	/** Set when a worker died: every batch from then on fails with it. */
	private failure: Error | undefined;
	private closing: Promise<void> | undefined;
	private readonly onAbort = () => this.window.refuseWaiting(this.cancelled());

	/** Starts the first worker (it connects to the target at once, while the caller prepares the load). */
	constructor(options: InsertPoolOptions) {
		checkWorkers(options.workers);
		const workers = options.workers ?? defaultWorkers();
		this.options = options;
		this.size = workers;
		this.window = new AdmissionWindow({workers, maxBytes: options.maxBytes, stopped: () => this.stopped()});
		this.maxBatches = this.window.maxBatches;
		this.maxBytes = this.window.maxBytes;
		this.workerData = {uri: options.target.uri, database: options.target.database};
		if (workers > 0) this.slots.push(this.start(1));
		options.signal?.addEventListener('abort', this.onAbort, {once: true});
	}

	/**
	 * Inserts raw BSON documents into `collection` through a worker (or the
	 * main thread, with 0 workers). Resolves once the server confirmed every
	 * one; rejects with the server's error (or a dead worker's, or `cancelled`
	 * on abort before it was admitted). For a worker the documents are copied
	 * when the batch is admitted (synchronously when there is room) and not
	 * read after that; on the main thread they are read until it settles.
	 */
	async insert(collection: string, documents: readonly Uint8Array[]): Promise<void> {
		if (documents.length === 0) return;
		this.refuseIfStopped();
		const bytes = byteLength(documents);
		const waiting = this.window.admit(bytes);
		// Admitted at once, the batch is sent (and, for a worker, copied) synchronously.
		if (waiting) await waiting;
		try {
			await this.send(collection, documents, bytes);
		} finally {
			this.window.release(bytes);
		}
	}

	/** Resolves once the pool would admit another batch at once (or will refuse it: aborted, failed, closed). A feeder awaits it before handing over its next batch. */
	async room(): Promise<void> {
		await this.window.room();
	}

	/** Resolves once no batch is in flight: nothing is writing to the target for this pool. */
	async settled(): Promise<void> {
		await this.window.idle();
	}

	/** No more batches; waits for those in flight, then closes every worker's client and ends its thread. Safe to call more than once. */
	async close(): Promise<void> {
		this.closing ??= (async () => {
			this.options.signal?.removeEventListener('abort', this.onAbort);
			this.window.refuseWaiting(new MonarchError('internal', `${this.options.label}: the insert workers were closed with batches waiting`));
			await this.settled();
			await Promise.all(this.slots.map(async slot => this.stop(slot)));
		})();
		await this.closing;
	}

	private start(number: number): Slot {
		const worker = startWorker(this.workerData, `monarch insert worker ${number}`);
		liveWorkers += 1;
		const slot: Slot = {number, worker, held: new Map(), error: undefined, stopping: false, gone: false, exited: Promise.resolve()};
		slot.exited = new Promise(resolve => {
			worker.once('exit', code => {
				liveWorkers -= 1;
				slot.gone = true;
				if (!slot.stopping) this.died(slot, slot.error ? slot.error.message : `exit code ${code}`);
				resolve();
			});
		});
		worker.on('error', error => {
			slot.error = error;
		});
		worker.on('messageerror', error => {
			slot.error = error;
			void worker.terminate();
		});
		worker.on('message', (reply: InsertReply) => {
			const batch = slot.held.get(reply.id);
			if (!batch) return;
			slot.held.delete(reply.id);
			if (reply.ok) batch.resolve();
			else batch.reject(this.revive(reply.error, slot));
		});
		return slot;
	}

	/** Copies the documents end to end into one buffer, hands it to an idle worker (starting one if every started one is busy and the pool is not full) or else the least busy, and waits for its reply. */
	private async send(collection: string, documents: readonly Uint8Array[], bytes: number): Promise<void> {
		this.refuseIfStopped();
		if (this.size === 0) {
			await insertRaw(this.options.db, collection, documents);
			return;
		}

		const buffer = new ArrayBuffer(bytes);
		const view = new Uint8Array(buffer);
		let offset = 0;
		for (const document of documents) {
			view.set(document, offset);
			offset += document.byteLength;
		}

		const slot = this.pick();
		const id = this.nextId++;
		await new Promise<void>((resolve, reject) => {
			slot.held.set(id, {collection, resolve, reject});
			const request: InsertRequest = {type: 'insert', id, collection, count: documents.length, buffer};
			slot.worker.postMessage(request, [buffer]);
		});
	}

	private pick(): Slot {
		const live = this.slots.filter(candidate => !candidate.gone);
		const idle = live.find(candidate => candidate.held.size === 0);
		if (idle) return idle;
		if (this.slots.length < this.size) {
			const started = this.start(this.slots.length + 1);
			this.slots.push(started);
			return started;
		}

		return live.reduce((best, candidate) => (candidate.held.size < best.held.size ? candidate : best));
	}

	/** A worker ended without being asked: its batches fail, and so does every later one. */
	private died(slot: Slot, reason: string): void {
		const collections = [...new Set([...slot.held.values()].map(batch => batch.collection))];
		const held =
			slot.held.size > 0
				? `, with ${slot.held.size} ${slot.held.size === 1 ? 'batch' : 'batches'} of ${collections.join(', ')} in flight`
				: '';
		const error = new MonarchError(
			'internal',
			`${this.options.label}: insert worker ${slot.number} of ${this.size} stopped (${firstLine(reason)})${held}`,
			{cause: slot.error},
		);
		this.failure ??= error;
		for (const batch of slot.held.values()) batch.reject(error);
		slot.held.clear();
		this.window.refuseWaiting(error);
	}

	/** Asks a worker to close its client and end, and waits until it has; ends its thread if it takes too long. */
	private async stop(slot: Slot): Promise<void> {
		if (slot.gone) return;
		slot.stopping = true;
		const request: InsertRequest = {type: 'close'};
		slot.worker.postMessage(request);
		const timer = setTimeout(() => void slot.worker.terminate(), closeGraceMs);
		timer.unref();
		await slot.exited;
		clearTimeout(timer);
	}

	/** The worker's error as the main thread's: a server error keeps its message, code and code name; a lost connection reads as `connect`'s. */
	private revive(serialized: SerializedError, slot: Slot): Error {
		const error = new Error(serialized.message) as Error & {code?: number | string; codeName?: string};
		error.name = serialized.name;
		if (serialized.code !== undefined) error.code = serialized.code;
		if (serialized.codeName !== undefined) error.codeName = serialized.codeName;
		error.stack = `${serialized.stack ?? `${serialized.name}: ${serialized.message}`}\n    in insert worker ${slot.number} of ${this.size}`;
		if (/^Mongo(ServerSelection|Network|NetworkTimeout|Topology)\w*Error$/.test(serialized.name))
			return connectionError(this.options.target, error);
		return error;
	}

	private stopped(): boolean {
		return this.failure !== undefined || this.closing !== undefined || this.options.signal?.aborted === true;
	}

	/** Throws what any new batch would meet: a dead worker's error, `cancelled`, or a closed pool. */
	private refuseIfStopped(): void {
		if (this.failure) throw this.failure;
		if (this.options.signal?.aborted) throw this.cancelled();
		if (this.closing) throw new MonarchError('internal', `${this.options.label}: the insert workers are closed`);
	}

	private cancelled(): MonarchError {
		return new MonarchError('cancelled', `Cancelled ${this.options.label}`);
	}
}

/**
 * Starts insert-worker.js beside this file. Run from source (the tests, under
 * tsx) it is insert-worker.ts, and the worker registers tsx itself: Node 20
 * does not run `--import` hooks in worker threads.
 */
function startWorker(workerData: InsertWorkerData, name: string): Worker {
	const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
	const entry = new URL(`./insert-worker${extension}`, import.meta.url);
	if (extension === '.js') return new Worker(entry, {workerData, name});
	const tsx = import.meta.resolve('tsx/esm/api');
	const boot = `import(${JSON.stringify(tsx)}).then(api => { api.register(); return import(${JSON.stringify(entry.href)}); })`;
	return new Worker(boot, {eval: true, workerData, name});
}
