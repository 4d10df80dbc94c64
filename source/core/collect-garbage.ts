import {getHeapSpaceStatistics, setFlagsFromString} from 'node:v8';
import {runInNewContext} from 'node:vm';

/**
 * A full garbage collection every `everyBytes` of documents read, for the
 * loops that drain raw cursors (backup, copy_db). The driver makes a few
 * short-lived objects per document of a raw reply; while a slow server keeps
 * batches waiting they outlive the young generation, and V8 lets the old one
 * fill with them long before it collects. Measured on a 1M-document backup
 * against FerretDB (live heap about 45 MB throughout), peak RSS: 204 to
 * 225 MB with no collections, 215 MB with one per 64 MiB read, 210 MB per
 * 16 MiB, 142 MB per 4 MiB. At 4 MiB that is about 75 collections of some
 * 20 ms per million documents: roughly 10% more CPU, for 60 to 80 MB less
 * memory.
 *
 * Work done per document besides reading it makes more young garbage, so
 * more scavenges, so more of the waiting batches promoted: a scrubbed copy's
 * rules (HMAC and faker per value) allocate three times what its reads do
 * (1,578 against 465 MB over a 200k-document copy, V8's sampling heap
 * profiler). With `watchGrowth` (the scrubbing reads: copy_db and rehearse
 * with --scrub, backup --scrub) the collector also checks the old
 * generation every MiB read (1 µs) and collects once it grew by
 * `everyBytes` since the last collection. Measured side by side with the
 * build before (npm run bench -- backup, 200k documents, 2026-12-08, with
 * digest-faker.ts's lighter last names): the gated copy's peak RSS 137 MB
 * against 156 MB (the plain copy's 138 and 151 MB). Watching a plain backup
 * that way cost 14% more CPU for 3 MB less peak RSS (200k documents, three
 * alternating runs: 4.40 against 3.86 s, 138 against 141 MB), so plain
 * reads do not. Where V8 cannot hand out its `gc` (an embedder that forbids
 * flags), the collector does nothing.
 */
export type GarbageCollector = (bytes: number) => void;

const defaultEveryBytes = 4 * 1024 * 1024;
const checkEveryBytes = 1024 * 1024;
let gc: (() => void) | null | undefined;

/** V8's full collection, exposed to a fresh context only (not to this process's globals). */
function fullCollection(): (() => void) | null {
	if (gc === undefined) {
		try {
			setFlagsFromString('--expose-gc');
			gc = runInNewContext('gc') as () => void;
		} catch {
			gc = null;
		}
	}

	return gc;
}

/**
 * Counts bytes read; collects garbage each time another `everyBytes` went
 * by, and with `watchGrowth` also once the old generation grew by as much
 * since the last collection.
 */
export function collectGarbageEvery(everyBytes = defaultEveryBytes, options: {watchGrowth?: boolean} = {}): GarbageCollector {
	let since = 0;
	let checked = 0;
	let collectedAt: number | undefined;
	return bytes => {
		since += bytes;
		checked += bytes;
		if (since < everyBytes) {
			if (!options.watchGrowth || checked < checkEveryBytes) return;
			checked = 0;
			const used = oldGenerationUsed();
			collectedAt ??= used;
			if (used - collectedAt < everyBytes) return;
		}

		since = 0;
		checked = 0;
		fullCollection()?.();
		if (options.watchGrowth) collectedAt = oldGenerationUsed();
	};
}

/** The bytes in use in V8's old generation (objects promoted from the young one). */
function oldGenerationUsed(): number {
	for (const space of getHeapSpaceStatistics()) if (space.space_name === 'old_space') return space.space_used_size;
	return 0;
}

/** The bytes of a batch of raw documents. */
export function byteLength(documents: readonly Uint8Array[]): number {
	let bytes = 0;
	for (const document of documents) bytes += document.byteLength;
	return bytes;
}
