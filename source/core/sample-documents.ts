import type {Db} from 'mongodb';
import {BSON} from './bson.js';
import {countForProgress} from './collections.js';
import {throwIfAborted} from './errors.js';
import type {EventSink} from './events.js';

export type SampleOptions = {
	/** Documents read at most. */
	sample: number;
	/** Progress, as `sample <collection>` (done of the documents to read). */
	events: EventSink;
	signal?: AbortSignal | undefined;
	/** The command, as a cancellation names it (`scrub_suggest`). */
	command: string;
};

/**
 * Reads up to `sample` raw documents of a collection, half the first by `_id`
 * and half the last (so fields added lately show), each once even when both
 * halves reach it, and gives each to `visit` undecoded. The sample of
 * scrub_suggest and references suggest; returns the number of documents read.
 */
export async function readSample(db: Db, name: string, options: SampleOptions, visit: (raw: Uint8Array) => void): Promise<number> {
	const {sample, events, signal, command} = options;
	const task = `sample ${name}`;
	const count = await countForProgress(db, name);
	const seenIds = new Set<string>();
	let sampled = 0;
	let reported = -1;
	const halves =
		count <= sample
			? [{sort: 1, limit: sample}]
			: [
					{sort: 1, limit: Math.ceil(sample / 2)},
					{sort: -1, limit: Math.floor(sample / 2)},
				];
	for (const half of halves) {
		if (half.limit === 0) continue;
		const cursor = db
			.collection(name)
			.find({}, {raw: true, sort: {_id: half.sort as 1 | -1}, limit: half.limit, batchSize: Math.min(half.limit, 1000)});
		try {
			while (await cursor.hasNext()) {
				throwIfAborted(signal, command);
				for (const raw of cursor.readBufferedDocuments() as unknown as Uint8Array[]) {
					const id = idKey(raw);
					if (seenIds.has(id)) continue;
					seenIds.add(id);
					sampled++;
					visit(raw);
				}

				events({type: 'progress', task, done: sampled, total: Math.min(count, sample)});
				reported = sampled;
			}
		} finally {
			await cursor.close().catch(() => {});
		}
	}

	// The last line says the collection is done, even when the count was an estimate.
	if (reported !== sampled || Math.min(count, sample) !== sampled) events({type: 'progress', task, done: sampled, total: sampled});
	return sampled;
}

/** The `_id` element's type and bytes, so a document read by both halves counts once. */
function idKey(raw: Uint8Array): string {
	for (const [type, nameOffset, nameLength, offset, length] of BSON.onDemand.parseToElements(raw)) {
		if (nameLength === 3 && raw[nameOffset] === 0x5f && raw[nameOffset + 1] === 0x69 && raw[nameOffset + 2] === 0x64) {
			return `${type}:${Buffer.from(raw.buffer, raw.byteOffset + offset, length).toString('base64')}`;
		}
	}

	return `none:${Buffer.from(raw).toString('base64')}`;
}
