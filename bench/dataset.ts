/**
 * The dataset the backup and rehearse benches share: `total` documents of one
 * shape spread over five collections, with two indexes each, and the way it is
 * loaded (which is also the insert ceiling).
 */
import {type Db, type Document, Double, Int32, ObjectId} from 'mongodb';

export const collections = ['users', 'orders', 'events', 'sessions', 'products'];
const parallel = 4;
const batchSize = 1000;

function documentFor(collection: string, index: number): Document {
	return {
		_id: new ObjectId(),
		n: new Int32(index),
		name: `${collection}-${index}`,
		email: `user${index}@example.com`,
		score: new Double(index * 1.5),
		active: index % 2 === 0,
		tags: ['alpha', 'beta', index % 3 ? 'gamma' : 'delta'],
		address: {street: `${index} Main St`, city: ['Paris', 'Oslo', 'Lima'][index % 3], zip: String(10_000 + (index % 90_000))},
		at: new Date(1_700_000_000_000 + index * 1000),
		note: 'x'.repeat(64),
	};
}

export function datasetOf(total: number): Map<string, Document[]> {
	const per = Math.ceil(total / collections.length);
	return new Map(collections.map(name => [name, Array.from({length: per}, (_, index) => documentFor(name, index))]));
}

export async function eachLimited<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
	const queue = [...items];
	await Promise.all(
		Array.from({length: Math.min(limit, queue.length)}, async () => {
			for (let item = queue.shift(); item !== undefined; item = queue.shift()) await task(item);
		}),
	);
}

/** Inserts the dataset (the insert ceiling when timed): unordered batches, `parallel` collections at once; then the indexes. */
export async function load(db: Db, dataset: Map<string, Document[]>): Promise<{insertMs: number; indexMs: number}> {
	const started = performance.now();
	await eachLimited([...dataset], parallel, async ([name, documents]) => {
		for (let start = 0; start < documents.length; start += batchSize) {
			// insertMany adds nothing to documents that have an _id, so they can be inserted again.
			await db.collection(name).insertMany(documents.slice(start, start + batchSize), {ordered: false});
		}
	});
	const insertMs = performance.now() - started;
	for (const name of dataset.keys()) {
		await db.collection(name).createIndex({email: 1}, {unique: true});
		await db.collection(name).createIndex({at: 1, score: -1});
	}

	return {insertMs, indexMs: performance.now() - started - insertMs};
}
