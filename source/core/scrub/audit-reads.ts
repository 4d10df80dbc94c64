import {setImmediate as nextTurn} from 'node:timers/promises';
import type {Db, FindCursor} from 'mongodb';
import pMap from 'p-map';
import {byteLength, type GarbageCollector} from '../collect-garbage.js';
import {type CollectionInfo, countForProgress, describeCollections, dumpConcurrency} from '../collections.js';
import {throwIfAborted} from '../errors.js';
import type {EventSink} from '../events.js';

/** A database's collections that hold documents, and how many documents they hold: counted in the background, undefined if the count failed. */
export type AuditCollections = {infos: CollectionInfo[]; total: Promise<number | undefined>};

/**
 * The collections of `db` (views left out), their documents counted for the
 * progress while the reads go on: FerretDB v1 counts by reading a whole
 * collection (measured 0.2 s a side at 50k documents), which the audit
 * waited for before its first read.
 */
export async function auditCollections(db: Db): Promise<AuditCollections> {
	const infos = (await describeCollections(db)).filter(info => info.type !== 'view');
	const count = async () => {
		let total = 0;
		for (const info of infos) total += await countForProgress(db, info.name);
		return total;
	};
	// Only the progress's total: a failed count leaves it unknown (the read says what is wrong with the database).
	return {infos, total: count().catch(() => undefined)};
}

/** One side of the audit as the pool reads it: its database, its collections, and what is done with each batch. */
export type AuditSide = {
	db: Db;
	collections: AuditCollections;
	visit: (info: CollectionInfo, batch: Buffer[]) => void;
	events: EventSink;
	/** The progress events' task. */
	task: string;
};

export type ReadSidesOptions = {
	signal: AbortSignal | undefined;
	collectGarbage: GarbageCollector;
	/**
	 * `hold-all`, for tests: every target batch is held until the source and
	 * the target are both read, then walked (the path a target batch read
	 * before the source's end takes, whatever the timing).
	 */
	hold?: 'near-end' | 'hold-all' | undefined;
};

/** How many bytes of target batches may wait for the source's end; past them, the target's cursors wait too. */
export const heldBytes = 16 * 1024 * 1024;
/**
 * A target cursor is opened before the source is read only when at most this
 * many of the source's documents are left: a cursor that waits (its batches
 * held past {@link heldBytes}) waits no longer than they take to read, far
 * from a server's idle-cursor timeout.
 */
export const overlapDocuments = 200_000;

/**
 * Reads every document of the source's collections, then the target's, in
 * one pool of `dumpConcurrency` raw cursors, batch by batch, with progress in
 * documents per side. The target's cursors start as the source's last ones
 * run (the pool's free slots, once at most {@link overlapDocuments} of the
 * source are left), so the server is not idle while those finish; a target
 * batch read before the source is wholly read cannot be checked yet (the
 * digests are incomplete), so it is held, up to {@link heldBytes}, and
 * walked once the source is, in the order read: each collection's batches
 * reach `visit` in cursor order, as in a source-then-target read, so the
 * findings are the same. Each cursor asks for its next batch before its
 * current one is walked. Without `source` (an archive file read before), the
 * target alone.
 */
export async function readSides(
	source: AuditSide | undefined,
	target: AuditSide,
	options: ReadSidesOptions,
): Promise<{source: {collections: number; documents: number}; target: {collections: number; documents: number}}> {
	const hold = options.hold ?? 'near-end';
	const sourceMeter = source && meter(source);
	const targetMeter = meter(target);
	let sourceLeft = source?.collections.infos.length ?? 0;
	let sourceTotal: number | undefined;
	void source?.collections.total.then(total => {
		sourceTotal = total;
	});
	/** True once the source is read and every held target batch walked: target batches are walked as they come. */
	let released = false;
	const held: Array<{info: CollectionInfo; batch: Buffer[]; bytes: number}> = [];
	let holding = 0;
	let release!: () => void;
	let fail!: (error: unknown) => void;
	const settled = new Promise<void>((resolve, reject) => {
		release = resolve;
		fail = reject;
	});
	settled.catch(() => {});

	const walk = (info: CollectionInfo, batch: Buffer[]) => {
		target.visit(info, batch);
		targetMeter.add(batch.length);
	};

	/**
	 * Once the source is read: its last progress event, the target's first (its
	 * documents count as they are walked), the held batches walked in the order
	 * read (those read meanwhile join the queue), then the target's batches let through.
	 */
	const releaseHeld = async () => {
		await sourceMeter?.end();
		targetMeter.start();
		for (let next = held.shift(); next; next = held.shift()) {
			holding -= next.bytes;
			walk(next.info, next.batch);
			// The target's cursors ask for their next batches between two held ones.
			await nextTurn();
		}

		released = true;
		release();
	};

	const sourceTasks = (source?.collections.infos ?? []).map(info => ({side: 'source' as const, info}));
	const targetTasks = target.collections.infos.map(info => ({side: 'target' as const, info}));
	sourceMeter?.start();
	// Nothing to wait for: the target's batches are walked as they come.
	if (sourceLeft === 0) await releaseHeld();
	try {
		await pMap(
			[...sourceTasks, ...targetTasks],
			async ({side, info}) => {
				if (side === 'source') {
					await drain(source!.db, info, options.signal, batch => {
						options.collectGarbage(byteLength(batch));
						source!.visit(info, batch);
						sourceMeter!.add(batch.length);
					});
					sourceLeft--;
					if (sourceLeft === 0 && hold === 'near-end') await releaseHeld();
					return;
				}

				// Opened before the source's end only near it (a count not yet known: not near).
				if (!released && hold === 'near-end' && !(sourceTotal !== undefined && sourceTotal - sourceMeter!.done <= overlapDocuments))
					await settled;
				await drain(target.db, info, options.signal, async batch => {
					const bytes = byteLength(batch);
					options.collectGarbage(bytes);
					if (released) {
						walk(info, batch);
						return;
					}

					held.push({info, batch, bytes});
					holding += bytes;
					if (holding >= heldBytes && hold === 'near-end') await settled;
				});
			},
			{concurrency: dumpConcurrency},
		);
	} catch (error) {
		// Cursors waiting for the source's end stop, and close.
		fail(error);
		throw error;
	}

	if (!released) await releaseHeld();
	await targetMeter.end();
	return {
		source: {collections: sourceTasks.length, documents: sourceMeter?.done ?? 0},
		target: {collections: targetTasks.length, documents: targetMeter.done},
	};
}

/** Reads a collection's raw documents to `take`, batch by batch, asking for the next batch before `take` has the current one. */
async function drain(
	db: Db,
	info: CollectionInfo,
	signal: AbortSignal | undefined,
	take: (batch: Buffer[]) => void | Promise<void>,
): Promise<void> {
	const cursor: FindCursor = db.collection(info.name).find({}, {raw: true, batchSize: 1000});
	let next = cursor.hasNext();
	try {
		while (await next) {
			throwIfAborted(signal, 'the audit');
			const batch = cursor.readBufferedDocuments() as unknown as Buffer[];
			// The request goes out (a turn of the event loop) before the batch is walked: the server reads the next
			// batch meanwhile, instead of waiting for the walk (a lone cursor, at the end of a side, would).
			next = cursor.hasNext();
			await nextTurn();
			await take(batch);
		}
	} finally {
		await next.catch(() => false);
		await cursor.close().catch(() => {});
	}
}

/** A side's progress events, in documents: the total once counted (the last event has it, when the reads outran the count). */
function meter(side: AuditSide): {done: number; start: () => void; add: (documents: number) => void; end: () => Promise<void>} {
	let total: number | undefined;
	void side.collections.total.then(count => {
		total = count;
	});
	const emit = () =>
		side.events({
			type: 'progress',
			task: side.task,
			done: state.done,
			total: total === undefined ? undefined : Math.max(total, state.done),
			unit: 'docs',
		});
	const state = {
		done: 0,
		start: emit,
		add(documents: number) {
			state.done += documents;
			emit();
		},
		async end() {
			total = await side.collections.total;
			emit();
		},
	};
	return state;
}
