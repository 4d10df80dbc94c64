/** The scrub tests' project: production (personal data, the issue's rules) and its original values. */

import type {Loose} from '../helpers/backup-data.js';
import {createProject, testMongoUri} from '../helpers/project.js';

export const key = {MONARCH_SCRUB_KEY: 'a-scrub-key-for-the-tests-0123456789'};
/** A complete classification of production: every collection and field path has a strategy or is kept. */
export const rules = {
	accounts: {
		_id: 'keep',
		email: 'fake.email',
		name: 'fake.fullName',
		phone: 'fake.phone',
		'address.street': 'fake.street',
		'address.city': 'keep',
		tax_id: 'hash',
		plan: 'keep',
	},
	campaigns: {_id: 'keep', owner_email: 'fake.email', notes: 'remove', budget: 'keep'},
	users: {_id: 'keep', 'logins[].ip': 'fake.ipv4', 'logins[].ok': 'keep', 'card.last4': 'mask:0,2'},
	products: 'keep',
};

/** production (personal data) and development, on fresh databases, with the rules. */
export async function scrubProject(t: Parameters<typeof createProject>[0], extra: Record<string, unknown> = {}) {
	const suffix = Math.random().toString(16).slice(2, 10);
	const project = await createProject(t, {
		environments: {
			production: {uri: testMongoUri(), database: `t_${suffix}_prod`, personalData: true},
			scratch: {uri: testMongoUri(), database: `t_${suffix}_scratch`},
		},
		config: {scrub: rules, backups: {local: {dir: 'backups'}}, ...extra},
		now: '2026-03-01T09:30:00Z',
	});
	const originals = {emails: [] as string[], names: [] as string[], phones: [] as string[], streets: [] as string[], ips: [] as string[]};
	const accounts = Array.from({length: 300}, (_, index) => {
		const account = {
			_id: index,
			email: `customer${index}@shop.example`,
			name: `Customer Number${index}`,
			phone: `+33 6 12 34 ${String(index).padStart(4, '0')}`,
			address: {street: `${index} Rue Réelle`, city: 'Paris'},
			tax_id: `FR${index}`,
			plan: index % 2 ? 'gold' : 'free',
		};
		originals.emails.push(account.email);
		originals.names.push(account.name);
		originals.phones.push(account.phone);
		originals.streets.push(account.address.street);
		return account;
	});
	const production = project.db('production');
	await production.collection<Loose>('accounts').insertMany(accounts);
	await production.collection<Loose>('accounts').createIndex({email: 1}, {unique: true});
	await production.collection<Loose>('campaigns').insertMany(
		Array.from({length: 120}, (_, index) => ({
			_id: `c${index}`,
			owner_email: `customer${(index * 7) % 300}@shop.example`,
			notes: `call Customer Number${index}`,
			budget: index,
		})),
	);
	await production.collection<Loose>('users').insertMany(
		Array.from({length: 50}, (_, index) => {
			const ips = [`10.0.${index}.1`, `10.0.${index}.2`];
			originals.ips.push(...ips);
			return {_id: index, logins: ips.map(ip => ({ip, ok: true})), card: {last4: String(4000 + index)}};
		}),
	);
	await production.collection<Loose>('products').insertMany([{_id: 1, title: 'a product', price: 3}]);
	return {project, originals};
}

/** Every string of every document of a database. */
export async function allStrings(project: Awaited<ReturnType<typeof scrubProject>>['project'], environment: string): Promise<Set<string>> {
	const strings = new Set<string>();
	const visit = (value: unknown): void => {
		if (typeof value === 'string') strings.add(value);
		else if (Array.isArray(value)) value.forEach(visit);
		else if (value && typeof value === 'object' && !('_bsontype' in value) && !(value instanceof Date)) Object.values(value).forEach(visit);
	};

	const db = project.db(environment);
	for (const {name} of await db.listCollections({}, {nameOnly: true}).toArray()) {
		for (const document of await db.collection(name).find({}).toArray()) visit(document);
	}

	return strings;
}
