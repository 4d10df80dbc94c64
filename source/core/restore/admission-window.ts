/**
 * The insert pool's admission window (insert-pool.ts): how many batches and
 * how many bytes are in flight, and whether one more may start. A batch is
 * admitted while fewer than `maxBatches` are in flight (two per worker, four
 * on the main thread) and its bytes keep the total within `maxBytes`; a lone
 * batch always passes, however large, so no batch waits forever. Batches are
 * admitted first come first served, and {@link AdmissionWindow.room} lets a
 * feeder wait before it reads its next batch. Holds no threads and no
 * server: the pool counts through it, the tests drive it alone.
 */

/** Batches each worker holds at once: one on the wire while the next is ready. */
const batchesPerWorker = 2;
/** Batches in flight when the main thread inserts (0 workers): the window the loads had before the pool. */
const mainThreadBatches = 4;
/** Bytes of batches in flight across the pool, by default. */
export const defaultMaxBytes = 32 * 1024 * 1024;

type Waiter = {bytes: number; admit: () => void; reject: (error: Error) => void};

export class AdmissionWindow {
	/** Batches in flight at most. */
	readonly maxBatches: number;
	/** Bytes in flight at most (a lone batch may be larger). */
	readonly maxBytes: number;
	/** Batches waiting to be admitted, first come first served. */
	private readonly queue: Waiter[] = [];
	private roomWaiters: Array<() => void> = [];
	private idleWaiters: Array<() => void> = [];
	private readonly stopped: () => boolean;
	private batches = 0;
	private bytes = 0;

	/**
	 * The window of a pool of `workers` (0: the main thread), holding at most
	 * `maxBytes` ({@link defaultMaxBytes} by default). `stopped` says when the
	 * pool refuses every batch anyway: then whoever waits for room is woken.
	 */
	constructor(options: {workers: number; maxBytes?: number | undefined; stopped?: () => boolean}) {
		this.maxBatches = options.workers === 0 ? mainThreadBatches : options.workers * batchesPerWorker;
		this.maxBytes = options.maxBytes ?? defaultMaxBytes;
		this.stopped = options.stopped ?? (() => false);
	}

	/** Batches in flight now. */
	get inFlight(): number {
		return this.batches;
	}

	/** Bytes in flight now. */
	get inFlightBytes(): number {
		return this.bytes;
	}

	/**
	 * Admits a batch of `bytes` and counts it: at once when it fits and nobody
	 * waits (then it returns nothing, so the caller goes on synchronously),
	 * else the promise resolves once it is admitted in its turn, or rejects
	 * with what {@link refuseWaiting} is given.
	 */
	admit(bytes: number): Promise<void> | undefined {
		if (this.queue.length === 0 && this.fits(bytes)) {
			this.count(bytes);
			return undefined;
		}

		return new Promise<void>((admit, reject) => {
			this.queue.push({bytes, admit, reject});
		});
	}

	/** A batch of `bytes` settled: admits the waiting ones that now fit, then wakes whoever waits for room or for the window to empty. */
	release(bytes: number): void {
		this.batches -= 1;
		this.bytes -= bytes;
		this.pump();
	}

	/** Resolves once another batch would be admitted at once (or the pool stopped). */
	async room(): Promise<void> {
		if (this.hasRoom() || this.stopped()) return;
		await new Promise<void>(resolve => {
			this.roomWaiters.push(resolve);
		});
	}

	/** Resolves once no batch is in flight. */
	async idle(): Promise<void> {
		if (this.batches === 0) return;
		await new Promise<void>(resolve => {
			this.idleWaiters.push(resolve);
		});
	}

	/** Rejects every batch waiting to be admitted with `error`, and wakes whoever waits for room. */
	refuseWaiting(error: Error): void {
		for (const waiter of this.queue.splice(0)) waiter.reject(error);
		for (const resolve of this.roomWaiters.splice(0)) resolve();
	}

	/** The admission rule: under the count bound, and within the byte bound unless nothing is in flight. */
	private fits(bytes: number): boolean {
		return this.batches < this.maxBatches && (this.batches === 0 || this.bytes + bytes <= this.maxBytes);
	}

	/** Whether the next batch, of any size up to what is left, would be admitted at once. */
	private hasRoom(): boolean {
		return this.queue.length === 0 && this.batches < this.maxBatches && this.bytes < this.maxBytes;
	}

	private count(bytes: number): void {
		this.batches += 1;
		this.bytes += bytes;
	}

	private pump(): void {
		while (this.queue.length > 0 && this.fits(this.queue[0]!.bytes)) {
			const next = this.queue.shift()!;
			this.count(next.bytes);
			next.admit();
		}

		if (this.hasRoom() || this.stopped()) for (const resolve of this.roomWaiters.splice(0)) resolve();
		if (this.batches === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
	}
}
