import {MongoBackedMigration} from 'monarch';

/** Lower-cases account emails, then makes them unique. */
export default class UniqueAccountEmailsMigration extends MongoBackedMigration {
	async run() {
		const accounts = this.database.collection<{_id: number; email: string}>('accounts');
		const total = await accounts.countDocuments();
		let done = 0;
		for await (const account of accounts.find({}, {projection: {email: 1}})) {
			const email = account.email.trim().toLowerCase();
			if (email !== account.email) await accounts.updateOne({_id: account._id}, {$set: {email}});
			done += 1;
			if (done % 50 === 0 || done === total) this.progress(done, total);
		}

		await accounts.createIndex({email: 1}, {name: 'email_1', unique: true});
		this.log(`normalised ${total} emails`);
	}
}
