import {QuerySet} from 'monarch';

/** The awesome dogs and their dog houses: `monarch copy_db production:development -q AwesomeDogsQuerySet`. */
export default class AwesomeDogsQuerySet extends QuerySet {
	async run() {
		const awesomeDogs = await this.database
			.collection('dogs')
			.find({type: 'Awesome'}, {projection: {_id: 1}})
			.toArray();
		const awesomeDogIds = awesomeDogs.map(dog => dog._id);
		this.log(`awesome dog ids: ${awesomeDogIds.join(', ')}`);

		await this.dumpCollection('dogs', {_id: {$in: awesomeDogIds}});
		await this.dumpCollection('dog_houses', {dog_id: {$in: awesomeDogIds}});
	}
}
