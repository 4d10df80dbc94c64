import {MongoBackedMigration} from 'monarch';

/** dog_houses.size (a string) becomes dog_houses.area_m2 (a number). */
export default class RenameDogHouseSizeMigration extends MongoBackedMigration {
	async run() {
		const areas: Record<string, number> = {small: 1, medium: 2, large: 4};
		const houses = this.database.collection<{_id: unknown; size?: string; area_m2?: number}>('dog_houses');
		for (const [size, area] of Object.entries(areas)) {
			const result = await houses.updateMany({size}, {$set: {area_m2: area}, $unset: {size: ''}});
			this.log(`${size}: ${result.modifiedCount} houses`);
		}
	}
}
