/**
 * Test data and snapshots for the backup, restore and copy tests: documents
 * of many BSON types (inside FerretDB v1's limits), and a byte-exact picture
 * of a database to compare before and after.
 */
import {Binary, type Db, Double, Int32, Long, ObjectId, Timestamp} from 'mongodb';

/** Documents with any _id (the driver's default type insists on an ObjectId). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = {_id: any; [key: string]: any};

/** The collections a seeded database holds, and their document counts. */
export const seededCounts = {dogs: 1200, owners: 3, empty: 0, monarch_migrations: 1} as const;

/** Fills `db` with the sample collections, their indexes and a migration history entry. */
export async function seed(db: Db, options: {dogs?: number} = {}): Promise<void> {
	const dogs = options.dogs ?? seededCounts.dogs;
	const documents = Array.from({length: dogs}, (_, index) => ({
		_id: index,
		name: `dog ${index}`,
		age: new Int32(index % 17),
		weight: new Double(10),
		score: new Double(index + 0.25),
		big: Long.fromString(`${9_000_000_000 + index}`),
		born: new Date(Date.UTC(2020, 0, 1) + index * 60_000),
		tags: ['good', index % 2 ? 'odd' : 'even'],
		owner: {name: `owner ${index % 3}`, since: new Date(Date.UTC(2021, 5, (index % 28) + 1))},
		photo: new Binary(Buffer.from([index % 256, 1, 2, 3])),
		seen: new Timestamp({t: 1_700_000_000 + index, i: 1}),
		good: index % 5 !== 0,
		nothing: null,
		ref: new ObjectId(index.toString(16).padStart(24, '0')),
	}));
	for (let start = 0; start < documents.length; start += 5000)
		await db.collection<Loose>('dogs').insertMany(documents.slice(start, start + 5000));
	await db.collection<Loose>('dogs').createIndex({name: 1}, {unique: true});
	await db.collection<Loose>('dogs').createIndex({age: 1, score: -1}, {name: 'age_score'});
	await db.collection<Loose>('owners').insertMany([
		{_id: new ObjectId(), name: 'ann', city: 'Paris'},
		{_id: new ObjectId(), name: 'bob', city: 'Oslo'},
		{_id: new ObjectId(), name: 'cyd', city: 'Lima'},
	]);
	await db.createCollection('empty');
	await db
		.collection<Loose>('monarch_migrations')
		.insertOne({_id: '20260101000000_first', name: 'FirstMigration', state: 'Completed', finishedAt: new Date(Date.UTC(2026, 0, 1))});
}

/** A database's data collections: per collection, its documents' raw BSON sorted by _id (as hex), and its indexes (without `v`). */
export type Snapshot = Record<string, {documents: string[]; indexes: Array<Record<string, unknown>>}>;

/** The byte-exact state of a database's collections (monarch_locks left out). */
export async function snapshot(db: Db): Promise<Snapshot> {
	const result: Snapshot = {};
	const names = (await db.listCollections({}, {nameOnly: true}).toArray())
		.map(entry => entry.name)
		.filter(name => name !== 'monarch_locks')
		.sort();
	for (const name of names) {
		const raw = (await db
			.collection(name)
			.find({}, {raw: true, sort: {_id: 1}})
			.toArray()) as unknown as Buffer[];
		const indexes = (await db.collection(name).listIndexes().toArray()).map(({v: _v, ns: _ns, ...spec}) => spec as Record<string, unknown>);
		indexes.sort((a, b) => String(a.name).localeCompare(String(b.name)));
		result[name] = {documents: raw.map(buffer => Buffer.from(buffer).toString('hex')), indexes};
	}

	return result;
}

/** Collection names in `db` that are restore/copy staging collections. */
export async function stagingCollections(db: Db): Promise<string[]> {
	return (await db.listCollections({}, {nameOnly: true}).toArray())
		.map(entry => entry.name)
		.filter(name => name.startsWith('monarch_staging_'));
}
