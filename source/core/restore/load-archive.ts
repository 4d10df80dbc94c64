import type {Document} from 'mongodb';
import type {ArchiveCheck} from '../backups/archive-check.js';
import {type CollectionInfo, infoType} from '../collections.js';
import {throwIfAborted} from '../errors.js';
import type {StagingLoad} from './staging.js';

/**
 * Feeds an archive into a staging load in one pass, checking it as it
 * streams (archive-check.ts): the prelude plans the collections, document batches are inserted
 * (as many in flight as the insert pool takes: each waits for its room, by
 * count and bytes, whichever collections they belong to), and each collection's indexes are
 * built once its own batches are in. Resolves only when every insert
 * succeeded and `check.finish()` passed; otherwise throws, and the caller
 * discards the staging collections. A failed insert is reported only once
 * its collection's CRC and count were checked (reading on, inserting
 * nothing): a corrupt document is reported as the archive's corruption.
 */
export async function loadArchive(
	staging: StagingLoad,
	check: Pick<ArchiveCheck, 'events' | 'finish'>,
	input: AsyncIterable<Uint8Array>,
	signal: AbortSignal | undefined,
): Promise<void> {
	const byCollection = new Map<string, Set<Promise<void>>>();
	const inFlight = new Set<Promise<void>>();
	/** Collections whose end (with its CRC and count) the check has passed. */
	const ended = new Set<string>();
	const state = {failure: undefined as {error: unknown; collection: string} | undefined};
	/** Throws the first failed insert once its collection's bytes are known to be intact. */
	const rethrowChecked = () => {
		if (state.failure && ended.has(state.failure.collection)) throw state.failure.error;
	};
	const track = (name: string, work: Promise<void>) => {
		const settled = work.then(
			() => {},
			(error: unknown) => {
				state.failure ??= {error, collection: name};
			},
		);
		const mine = byCollection.get(name) ?? new Set<Promise<void>>();
		byCollection.set(name, mine);
		mine.add(settled);
		inFlight.add(settled);
		void settled.then(() => {
			mine.delete(settled);
			inFlight.delete(settled);
		});
	};

	try {
		for await (const event of check.events(input, signal)) {
			if (event.type === 'end') ended.add(event.collection);
			rethrowChecked();
			if (state.failure) continue;
			if (event.type === 'prelude') {
				const plan: CollectionInfo[] = event.collections.map(entry => ({
					name: entry.collection,
					type: infoType(entry.type),
					options: (entry.metadata?.options as Document | undefined) ?? {},
					indexes: entry.metadata?.indexes ?? [],
				}));
				await staging.prepare(plan);
			} else if (event.type === 'documents') {
				// The pool bounds the batches in flight by count and bytes: nothing more is read until it has room.
				await staging.room();
				if (state.failure) continue;
				// The reader hands out views of chunks it never reuses, so the insert may read them until it settles.
				track(event.collection, staging.insert(event.collection, event.documents));
			} else if (event.type === 'end') {
				const previous = [...(byCollection.get(event.collection) ?? [])];
				track(
					event.collection,
					(async () => {
						await Promise.all(previous);
						if (!state.failure) await staging.finishCollection(event.collection);
					})(),
				);
			}
		}

		await Promise.all(inFlight);
		// The whole archive was read: its size, sha256 and every collection's end are checked before any insert's failure is reported.
		check.finish();
		if (state.failure) throw state.failure.error;
		throwIfAborted(signal, 'the restore');
	} finally {
		// Nothing may still write to staging collections when they are dropped.
		await Promise.allSettled(inFlight);
	}
}
