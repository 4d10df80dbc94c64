import {MongoBackedMigration} from 'monarch';

/** Dogs are looked up by type, dog houses by their dog. */
export default class AddIndexesToDogsMigration extends MongoBackedMigration {
	async run() {
		await this.database.collection('dogs').createIndex({type: 1}, {name: 'type_1'});
		await this.database.collection('dog_houses').createIndex({dog_id: 1}, {name: 'dog_id_1'});
		this.log('indexed dogs.type and dog_houses.dog_id');
	}
}
