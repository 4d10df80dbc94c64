/**
 * The suggestion corpus: documents holding personal fields (with realistic
 * names, and with neutral names where only the values tell) and non-personal
 * look-alikes, made from a seeded generator so every run measures the same data.
 */
import type {Loose} from '../helpers/backup-data.js';

/** mulberry32: a small seeded generator, so the corpus is the same on every run. */
function generator(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

const random = generator(16);
const int = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!;
const digits = (count: number) => Array.from({length: count}, () => int(0, 9)).join('');
const chars = (alphabet: string, count: number) => Array.from({length: count}, () => alphabet[int(0, alphabet.length - 1)]).join('');
const base62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const hex = '0123456789abcdef';

const firstNames = ['Jane', 'Omar', 'Li', 'Sofia', 'Lukas', 'Amara', 'Noah', 'Chloé', 'Mateo', 'Yuki', 'Priya', 'Ewan'];
const lastNames = ['Doe', 'Haddad', 'Wei', 'Rossi', 'Müller', 'Okafor', 'Smith', 'Martin', 'García', 'Tanaka', 'Patel', 'MacLeod'];
const streets = ['Main Street', 'Rue de Rivoli', 'Baker Street', 'Hauptstraße', 'Elm Avenue', 'Calle Mayor'];
const cities = ['Springfield', 'Paris', 'London', 'Berlin', 'Madrid', 'Osaka'];
const agents = [
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
	'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
	'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
];

function luhnCard(prefix: string, length: number): string {
	const body = prefix + digits(length - prefix.length - 1);
	let sum = 0;
	for (let index = 0; index < body.length; index++) {
		let digit = Number(body[body.length - 1 - index]);
		if (index % 2 === 0) {
			digit *= 2;
			if (digit > 9) digit -= 9;
		}

		sum += digit;
	}

	return body + String((10 - (sum % 10)) % 10);
}

function mod97(numeric: string): number {
	let remainder = 0;
	for (const character of numeric) remainder = (remainder * 10 + Number(character)) % 97;
	return remainder;
}

/** A German IBAN (18-digit BBAN) with correct check digits, grouped in fours when `grouped`. */
function iban(grouped: boolean): string {
	const bban = digits(18);
	const check = String(98 - mod97(`${bban}131400`)).padStart(2, '0');
	const plain = `DE${check}${bban}`;
	return grouped ? plain.replace(/(.{4})/g, '$1 ').trim() : plain;
}

function usPhone(): string {
	const area = pick(['212', '415', '646', '312', '617', '206']);
	const exchange = `${int(2, 9)}${digits(2)}`;
	const line = digits(4);
	return pick([`(${area}) ${exchange}-${line}`, `+1 ${area} ${exchange} ${line}`, `${area}-${exchange}-${line}`]);
}

function anyPhone(): string {
	return pick([usPhone(), `+33 6 ${digits(2)} ${digits(2)} ${digits(2)} ${digits(2)}`, `+44 20 7946 ${digits(4)}`, `+49 30 ${digits(7)}`]);
}

function email(first: string, last: string): string {
	const local = `${first}.${last}`
		.normalize('NFD')
		.replace(/[^\w.]/g, '')
		.toLowerCase();
	return `${local}${int(1, 99)}@${pick(['example.com', 'mail.example.org', 'shop.example'])}`;
}

function ssn(): string {
	return `${String(int(1, 665)).padStart(3, '0')}-${String(int(1, 99)).padStart(2, '0')}-${String(int(1, 9999)).padStart(4, '0')}`;
}

function uuid(): string {
	return `${chars(hex, 8)}-${chars(hex, 4)}-4${chars(hex, 3)}-${pick(['8', '9', 'a', 'b'])}${chars(hex, 3)}-${chars(hex, 12)}`;
}

function ipv6(): string {
	return `2001:db8:${Array.from({length: 6}, () => chars(hex, 4)).join(':')}`;
}

function jwt(): string {
	const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
	return `${part({alg: 'HS256', typ: 'JWT'})}.${part({sub: digits(8), iat: 1_700_000_000 + int(0, 1e6)})}.${Buffer.from(chars(base62, 32)).toString('base64url')}`;
}

/** A path and whether it is personal, for the test's figures. */
export type CorpusField = {collection: string; path: string; personal: boolean};

/** The personal paths (what must be flagged) and the look-alikes (what must not be), by collection. */
export const corpusFields: CorpusField[] = [
	...[
		'email',
		'first_name',
		'lastName',
		'phone',
		'address.street',
		'address.city',
		'address.zip',
		'dob',
		'ssn',
		'passportNumber',
		'iban',
		'card.number',
		'card.cvv',
		'last_login_ip',
		'geo.lat',
		'geo.lng',
		'password_hash',
		'api_key',
		'user_agent',
		'device_id',
		'username',
		'tax_id',
		'contact',
		'ref',
		'notes',
		'memo',
		'origin',
		'header',
		'extra',
		'value',
		'mobile',
		'emergency.name',
	].map(path => ({collection: 'customers', path, personal: true})),
	...[
		'order_number',
		'sku',
		'quantity',
		'status',
		'status_code',
		'content_hash',
		'checksum',
		'created_at',
		'updated_at',
		'price',
		'order_id',
		'version',
		'isbn',
		'tracking_number',
		'product_code',
		'currency',
		'title',
		'description',
		'category',
		'weight_grams',
		'barcode',
		'invoice_number',
		'batch',
		'color',
		'slug',
		'rating',
		'tags[]',
		'file_name',
		'request_id',
		'build',
		'duration_ms',
		'coupon_code',
		'customer_ref',
		'product.name',
		'warehouse_location',
		'ship_from.city',
		'gateway_txn_id',
		'card_bin',
		'api_version',
	].map(path => ({collection: 'orders', path, personal: false})),
];

/** The documents of `customers` (personal) and `orders` (look-alikes). */
export function corpusDocuments(count: number): {customers: Loose[]; orders: Loose[]} {
	const customers = Array.from({length: count}, (_, index) => {
		const first = pick(firstNames);
		const last = pick(lastNames);
		const withPhone = index % 3 === 0;
		const withEmail = index % 4 === 0;
		return {
			_id: index,
			email: email(first, last),
			first_name: first,
			lastName: last,
			phone: usPhone(),
			address: {street: `${int(1, 250)} ${pick(streets)}`, city: pick(cities), zip: String(int(10_000, 99_999))},
			dob: new Date(Date.UTC(int(1940, 2005), int(0, 11), int(1, 28))),
			ssn: ssn(),
			passportNumber: `${pick(['X', 'P', 'C'])}${digits(8)}`,
			iban: iban(index % 2 === 0),
			card: {number: luhnCard(pick(['4', '51', '37']), 16), cvv: digits(3)},
			last_login_ip: `${int(1, 223)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`,
			geo: {lat: Number((random() * 180 - 90).toFixed(5)), lng: Number((random() * 360 - 180).toFixed(5))},
			password_hash: `$2b$10$${chars(`./${base62}`, 53)}`,
			api_key: `sk_live_${chars(base62, 24)}`,
			user_agent: pick(agents),
			device_id: uuid(),
			username: `${first.toLowerCase()}${int(1, 999)}`,
			tax_id: digits(11),
			// Neutral names: only the values tell.
			contact: email(first, last),
			ref: iban(false),
			notes: withPhone
				? `Asked about the delivery, call back on ${anyPhone()} after 5pm.`
				: pick(['Prefers delivery in the morning.', 'VIP since 2019.', 'Asked for a paper invoice.']),
			memo: withEmail
				? `Forwarded to ${email(first, last)} for review.`
				: pick(['Reviewed.', 'No action needed.', 'Follow up next quarter.']),
			origin: ipv6(),
			header: `Bearer ${jwt()}`,
			extra: `Paid by card ${luhnCard('4', 16).replace(/(\d{4})(?=\d)/g, '$1 ')} on 2024-03-${String(int(1, 28)).padStart(2, '0')}`,
			value: ssn(),
			mobile: anyPhone(),
			emergency: {name: `${pick(firstNames)} ${pick(lastNames)}`},
		};
	});
	const orders = Array.from({length: count}, (_, index) => ({
		_id: index,
		order_number: `ORD-2024-${String(index + 1).padStart(6, '0')}`,
		sku: `SKU-${digits(5)}-${pick(['BLU', 'RED', 'BLK'])}-${pick(['S', 'M', 'L', 'XL'])}`,
		quantity: int(1, 12),
		status: pick(['pending', 'paid', 'shipped', 'delivered', 'refunded']),
		status_code: pick([200, 201, 400, 404, 500]),
		content_hash: chars(hex, 40),
		checksum: chars(hex, 64),
		created_at: new Date(Date.UTC(2024, int(0, 11), int(1, 28), int(0, 23))),
		updated_at: `2024-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}T${String(int(0, 23)).padStart(2, '0')}:30:00Z`,
		price: int(100, 99_999) / 100,
		order_id: uuid(),
		version: `${int(1, 4)}.${int(0, 20)}.${int(0, 9)}`,
		isbn: `978-${int(0, 9)}-${digits(2)}-${digits(6)}-${int(0, 9)}`,
		tracking_number: pick([`1Z${chars('ABCDEFGHJKLMNPRSTUVWXYZ0123456789', 16)}`, `9400${digits(18)}`, digits(12)]),
		product_code: digits(5),
		currency: pick(['EUR', 'USD', 'GBP']),
		title: pick(['Blue cotton shirt', 'Leather wallet', 'Running shoes, size 42', 'Ceramic mug 350 ml']),
		description: pick([
			'Ships in 3-5 days. Model 2024, sizes 38-46.',
			'Machine washable at 30 degrees. 100% cotton.',
			'Gift wrapping available for orders over 50 EUR.',
		]),
		category: pick(['apparel', 'accessories', 'home']),
		weight_grams: int(50, 5000),
		barcode: `400${digits(10)}`,
		invoice_number: `INV-${digits(6)}`,
		batch: `2024-03-${String(int(1, 28)).padStart(2, '0')}`,
		color: `#${chars(hex, 6)}`,
		slug: pick(['women-summer-dress-floral-xl-2024-v2', 'men-running-shoes-lightweight-42', 'ceramic-mug-350ml-handmade-blue']),
		rating: int(10, 50) / 10,
		tags: [pick(['sale', 'new', 'eco']), pick(['gift', 'bundle'])],
		file_name: `invoice_2024_${String(int(1, 12)).padStart(2, '0')}_${digits(4)}.pdf`,
		request_id: chars(hex, 32),
		build: `20240${int(1, 9)}${String(int(1, 28)).padStart(2, '0')}.${int(1, 9)}`,
		duration_ms: int(3, 4000),
		coupon_code: `SPRING${int(10, 50)}-${chars('ABCDEFGHJKLMNPQRSTUVWXYZ', 4)}`,
		customer_ref: `C-${digits(7)}`,
		// Harder ones: a thing's name, a shelf, the shop's own city, a payment gateway's charge id, a card's issuer prefix, a dated API version.
		product: {name: pick(['Blue cotton shirt', 'Leather wallet'])},
		warehouse_location: `${pick(['A', 'B', 'C'])}-${int(1, 40)}-${String(int(1, 12)).padStart(2, '0')}`,
		ship_from: {city: pick(['Berlin', 'Leipzig'])},
		gateway_txn_id: `ch_${chars(base62, 24)}`,
		card_bin: pick(['424242', '555555', '378282']),
		api_version: '2024-04-10',
	}));
	return {customers, orders};
}
