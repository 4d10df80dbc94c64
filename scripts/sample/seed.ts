import {MongoClient} from 'mongodb';

/** The sample shop: dogs, dog_houses, accounts and campaigns, as in the seed's examples. */
export function sampleData() {
	const types = ['Awesome', 'Lazy', 'Grumpy', 'Awesome', 'Sleepy'];
	const names = ['Rex', 'Fido', 'Bella', 'Max', 'Luna', 'Charlie', 'Daisy', 'Rocky', 'Molly', 'Buddy'];
	const dogs = Array.from({length: 60}, (_, index) => ({
		_id: index + 1,
		name: `${names[index % names.length]} ${Math.floor(index / names.length) + 1}`,
		type: types[index % types.length],
		born: new Date(Date.UTC(2015 + (index % 9), index % 12, 1 + (index % 27))),
	}));
	const sizes = ['small', 'medium', 'large'];
	const dogHouses = dogs.map(dog => ({
		_id: dog._id + 1000,
		dog_id: dog._id,
		size: sizes[dog._id % sizes.length],
		color: dog._id % 2 ? 'red' : 'blue',
	}));
	const accounts = Array.from({length: 40}, (_, index) => ({
		_id: index + 1,
		name: `Account ${index + 1}`,
		email: index % 4 === 0 ? `  Owner${index + 1}@Example.com ` : `owner${index + 1}@example.com`,
		createdAt: new Date(Date.UTC(2024, index % 12, 1)),
	}));
	const campaigns = Array.from({length: 200}, (_, index) => ({
		_id: index + 1,
		account_id: (index % accounts.length) + 1,
		title: `Campaign ${index + 1}`,
		budget: index % 3 === 0 ? 0 : 100 + index,
	}));
	return {dogs, dog_houses: dogHouses, accounts, campaigns};
}

/** What {@link seedSample} did: the databases it filled, and those it left alone because they hold other data. */
export type SeedResult = {seeded: string[]; foreign: string[]};

/**
 * Fills each empty database with the sample data. A database that already
 * holds the sample (its `dogs`) is left as it is, and so is one holding
 * anything else: npm start never writes into data that is not its own.
 */
export async function seedSample(uri: string, databases: string[]): Promise<SeedResult> {
	const client = new MongoClient(uri, {serverSelectionTimeoutMS: 5000});
	const result: SeedResult = {seeded: [], foreign: []};
	try {
		for (const name of databases) {
			const db = client.db(name);
			const collections = (await db.listCollections({}, {nameOnly: true}).toArray()).map(entry => entry.name);
			if (collections.includes('dogs')) continue;
			if (collections.length > 0) {
				result.foreign.push(name);
				continue;
			}

			for (const [collection, documents] of Object.entries(sampleData())) {
				await db.collection(collection).insertMany(documents as Array<Record<string, unknown>>);
			}

			result.seeded.push(name);
		}
	} catch (error) {
		const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
		throw new Error(
			`could not seed the sample shop at ${uri} (${reason}): point MONARCH_MONGODB_URI at a MongoDB you may write to, with its user and password`,
		);
	} finally {
		await client.close();
	}

	return result;
}
