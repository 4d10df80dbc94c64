import {type Db, type Document, ObjectId} from 'mongodb';

/*
 * A fixed dataset with a graph of references, for `references suggest` and
 * `--subset` tests. Nothing random: every id is computed, so a test can name
 * exact sets. FerretDB-safe (no dotted keys, nested arrays or Decimal128).
 *
 *   accounts <- campaigns <- events          (down: an account's campaigns, their events)
 *   accounts <- users, accounts.owner -> users   (a cycle: accounts and users point at each other)
 *   orders -> accounts, products (by sku, in items[]), coupons (an array of ids), boxes
 *   products -> categories
 *   events.actor -> users                    (ObjectIds, named like nothing)
 *
 * Dangling references in the source: 3 of the 63 distinct campaign ids of
 * `events.campaign_id` (events 195..199), one `accounts.owner` (account 20),
 * one sku of `orders.items[]` (order 50's second item).
 *
 * Look-alikes that are no references: `accounts.external_id` (ObjectIds found
 * nowhere), `orders.order_number` (named `_number`), `accounts.status_id`
 * (small ints; `statuses` exists but its `_id`s are strings), `notes.subject`
 * (ObjectIds that are `_id`s of both `campaigns` and `campaign_drafts`).
 */

/** An ObjectId of one collection's series: `tag` (2 hex digits) then `n`, so ids of two series never meet by chance. */
export function oid(tag: string, n: number): ObjectId {
	return new ObjectId(`${tag}${n.toString(16).padStart(22, '0')}`);
}

export const counts = {
	accounts: 20,
	users: 20,
	campaigns: 60,
	events: 200,
	categories: 5,
	products: 30,
	boxes: 3,
	coupons: 8,
	orders: 50,
	statuses: 3,
	notes: 10,
	campaign_drafts: 10,
} as const;

/** Events whose campaign does not exist (each names campaign 1000 + (n % 3): 3 distinct missing ids). */
export const danglingEvents = [195, 196, 197, 198, 199];

/** The collections and their documents. */
export function referenceGraphData(): Record<string, Document[]> {
	const statuses = ['active', 'paused', 'closed'].map(name => ({_id: name, label: name.toUpperCase()}));
	const users = Array.from({length: counts.users}, (_, index) => ({
		_id: oid('a1', index + 1),
		email: `user${index + 1}@example.com`,
		accountId: (index % counts.accounts) + 1,
	}));
	const accounts = Array.from({length: counts.accounts}, (_, index) => ({
		_id: index + 1,
		name: `Account ${index + 1}`,
		plan: index % 3 === 0 ? 'pro' : 'free',
		owner: index + 1 === counts.accounts ? oid('a1', 999) : oid('a1', index + 1),
		external_id: oid('e0', index + 1),
		status_id: (index % 3) + 1,
	}));
	const campaigns = Array.from({length: counts.campaigns}, (_, index) => ({
		_id: oid('c1', index + 1),
		account_id: (index % counts.accounts) + 1,
		title: `Campaign ${index + 1}`,
	}));
	const events = Array.from({length: counts.events}, (_, index) => ({
		_id: oid('d1', index + 1),
		campaign_id: danglingEvents.includes(index) ? oid('c1', 1000 + (index % 3)) : oid('c1', (index % counts.campaigns) + 1),
		actor: oid('a1', (index % counts.users) + 1),
		kind: index % 2 ? 'click' : 'view',
	}));
	const categories = ['toys', 'food', 'beds', 'leashes', 'bowls'].map(name => ({_id: name, title: name}));
	const products = Array.from({length: counts.products}, (_, index) => ({
		_id: oid('b1', index + 1),
		sku: `SKU-${String(index + 1).padStart(3, '0')}`,
		category_id: categories[index % categories.length]!._id,
		price: 5 + index,
	}));
	const boxes = Array.from({length: counts.boxes}, (_, index) => ({_id: index + 1, size: ['small', 'medium', 'large'][index]}));
	const coupons = Array.from({length: counts.coupons}, (_, index) => ({_id: oid('f1', index + 1), code: `SAVE${index + 1}`}));
	const orders = Array.from({length: counts.orders}, (_, index) => ({
		_id: index + 1,
		order_number: `ORD-${String(index + 1).padStart(4, '0')}`,
		account_id: (index % counts.accounts) + 1,
		box_id: (index % counts.boxes) + 1,
		items: [
			{sku: products[index % counts.products]!.sku, quantity: 1 + (index % 3)},
			{sku: index + 1 === counts.orders ? 'SKU-999' : products[(index * 7) % counts.products]!.sku, quantity: 1},
		],
		coupon_ids: index % 4 === 0 ? [] : [oid('f1', (index % counts.coupons) + 1), oid('f1', ((index + 3) % counts.coupons) + 1)],
	}));
	const drafts = campaigns.slice(0, counts.campaign_drafts).map(campaign => ({_id: campaign._id, body: `draft of ${campaign.title}`}));
	const notes = Array.from({length: counts.notes}, (_, index) => ({
		_id: oid('91', index + 1),
		subject: drafts[index]!._id,
		text: `note ${index + 1}`,
	}));
	return {
		statuses,
		users,
		accounts,
		campaigns,
		events,
		categories,
		products,
		boxes,
		coupons,
		orders,
		campaign_drafts: drafts,
		notes,
	};
}

/** Every reference the dataset holds, as monarch.json declares them. */
export const declaredReferences: Readonly<Record<string, string>> = {
	'campaigns.account_id': 'accounts._id',
	'events.campaign_id': 'campaigns._id',
	'events.actor': 'users._id',
	'users.accountId': 'accounts._id',
	'accounts.owner': 'users._id',
	'orders.account_id': 'accounts._id',
	'orders.box_id': 'boxes._id',
	'orders.coupon_ids[]': 'coupons._id',
	'orders.items[].sku': 'products.sku',
	'products.category_id': 'categories._id',
};

/** The declared references `references suggest` cannot find: their target is a field other than `_id`, which no name points at. */
export const undiscoverableReferences = ['orders.items[].sku'];

/** Paths that look like references and are not. */
export const lookAlikes = ['accounts.external_id', 'orders.order_number', 'accounts.status_id', 'notes.subject'];

/** Inserts the dataset into `db` (whose collections it names must not exist yet). */
export async function seedReferenceGraph(db: Db): Promise<void> {
	for (const [name, documents] of Object.entries(referenceGraphData())) await db.collection(name).insertMany(documents);
}
