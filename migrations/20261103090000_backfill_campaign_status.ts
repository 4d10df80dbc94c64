import {MongoBackedMigration} from 'monarch';

/** Campaigns gain a status: running when they have a budget left, draft otherwise. */
export default class BackfillCampaignStatusMigration extends MongoBackedMigration {
	async run() {
		const campaigns = this.database.collection('campaigns');
		const running = await campaigns.updateMany({status: {$exists: false}, budget: {$gt: 0}}, {$set: {status: 'running'}});
		const drafts = await campaigns.updateMany({status: {$exists: false}}, {$set: {status: 'draft'}});
		this.log(`${running.modifiedCount} running, ${drafts.modifiedCount} drafts`);
	}
}
