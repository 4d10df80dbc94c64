/** A suggested strategy (as monarch.json writes it) and why. */
export type NameSuggestion = {strategy: string; reason: string};

type NameRule = {pattern: RegExp; strategy: string; what: string};

/*
 * Each pattern is tried on a field name made into lower-case words joined by
 * `_` and framed by `_` (`firstName`, `first_name`, `first-name` and
 * `FIRST_NAME` all read `_first_name_`; `firstname` reads `_firstname_`, so
 * the patterns allow both with `_?`). Patterns are anchored at the end: the
 * last word names what the field holds (`email` and `contact_email` hold
 * addresses; `email_verified` and `phone_count` do not). The first rule that
 * matches wins, so the more precise come first.
 */
const rules: readonly NameRule[] = [
	{pattern: /_(e_?mail|mail)s?(_?(address|addr)(es)?)?_$/, strategy: 'fake.email', what: 'an email address'},
	{
		pattern: /_(ip|ips|ip_?v?[46]|ip_?(address|addr)(es)?|remote_?(addr|address|ip)|client_?ip|x_?forwarded_?for)_$/,
		strategy: 'fake.ipv4',
		what: 'an IP address',
	},
	{pattern: /_(user_?agent|ua|browser_?agent)s?_$/, strategy: 'fake.userAgent', what: 'a user agent'},
	{pattern: /_(user_?name|login_?name|nick_?name|screen_?name|handle)s?_$/, strategy: 'fake.username', what: 'a user name'},
	{pattern: /_(first|given|fore|middle)_?names?_$/, strategy: 'fake.firstName', what: 'a first name'},
	{pattern: /_(last|family|sur|maiden)_?names?_$/, strategy: 'fake.lastName', what: 'a last name'},
	{
		pattern:
			/(^_|_(full|display|real|legal|contact|customer|card_?holder|account_?holder|holder|owner|recipient|billing|shipping|person|client|patient|employee|member|author|sender|beneficiary|emergency_?contact|spouse|guardian|parent)_?)names?_$/,
		strategy: 'fake.fullName',
		what: "a person's name",
	},
	{pattern: /_(card_?holder|account_?holder|holder)_$/, strategy: 'fake.fullName', what: "a person's name"},
	{
		pattern: /_(phone|telephone|tel|mobile|cell|cell_?phone|fax|msisdn|whats_?app|landline)s?(_?(number|no|num|nr)s?)?_$/,
		strategy: 'fake.phone',
		what: 'a phone number',
	},
	{pattern: /_(iban)s?_$/, strategy: 'fake.iban', what: 'an IBAN'},
	{
		pattern: /_(card_?(number|no|num)|cc_?(number|no|num)?|credit_?card(_?(number|no))?|debit_?card(_?number)?|pan|card)s?_$/,
		strategy: 'fake.creditCard',
		what: 'a card number',
	},
	{
		pattern:
			/_(cvv|cvc|cvv2|csc|card_?security_?code|security_?code|pin|pin_?code|card_?exp(iry|iration)?(_?(date|month|year))?|exp(iry|iration)?_?(month|year))_$/,
		strategy: 'null',
		what: 'a card security code or expiry',
	},
	{
		pattern: /_((bank_?)?account_?(number|no|num)|acct_?(number|no|num)?|bank_?account|routing_?number|sort_?code|bsb)s?_$/,
		strategy: 'hash',
		what: 'a bank account number',
	},
	{
		pattern:
			/_(ssn|social_?security(_?(number|no))?|sin|tax_?(id|number|no|code)|tin|itin|national_?(id|number|insurance(_?number)?)|nin|nino|personal_?(id|number|code)|id_?(number|card|card_?number|document)|passport(_?(number|no|id))?|driver_?s?_?licen[cs]e(_?(number|no))?|licen[cs]e_?(number|no)|cpf|nif|dni|aadhaar|pesel|bsn|steuer_?id)_$/,
		strategy: 'hash',
		what: 'a national identifier',
	},
	{
		pattern:
			/_(street|street_?(address|addr|name|line_?\d*)|address_?line_?\d*|addr_?line_?\d*|line_?\d|address|addr|home_?address|postal_?address|mailing_?address|billing_?address|shipping_?address|house_?(number|no|name)|building|apartment|apt|suite|flat)s?_$/,
		strategy: 'fake.street',
		what: 'a street address',
	},
	{pattern: /_(city|town|locality|municipality|village)_$/, strategy: 'fake.city', what: 'a city'},
	{pattern: /_(zip|zip_?code|zipcode|postal|postal_?code|post_?code|postcode|plz)_$/, strategy: 'fake.zip', what: 'a postal code'},
	{
		pattern: /_(birth|birth_?date|birthdate|date_?of_?birth|dob|birth_?day|birthday|born(_?(on|at))?|birth_?year|year_?of_?birth)_$/,
		strategy: 'null',
		what: 'a birth date',
	},
	{
		pattern: /_(lat|latitude|lng|lon|long|longitude|geo|geo_?location|geo_?point|location|coords?|coordinates|gps|lat_?lng|lat_?long)_$/,
		strategy: 'null',
		what: 'a location',
	},
	{
		pattern:
			/_(device_?(id|token|identifier|fingerprint)|push_?token|fcm_?token|apns_?token|idfa|idfv|gaid|aaid|advertising_?id|android_?id|mac|mac_?address|imei|imsi|udid|installation_?id|browser_?fingerprint|fingerprint)s?_$/,
		strategy: 'hash',
		what: 'a device identifier',
	},
	{
		pattern:
			/_(password|passwd|pwd|pass_?phrase|password_?hash|password_?digest|hashed_?password|secret|client_?secret|secret_?key|api_?key|apikey|access_?key|private_?key|signing_?key|token|access_?token|refresh_?token|auth_?token|session_?token|id_?token|bearer|bearer_?token|otp|otp_?secret|totp|totp_?secret|mfa_?secret|two_?factor_?secret|recovery_?codes?|backup_?codes?|salt|credentials?|session_?id|sid|cookie)s?_$/,
		strategy: 'hash',
		what: 'a secret',
	},
];

/** `name` alone is a person's name, and `born` a person's birth, unless the collection or the parent field names a thing (or an animal). */
const thingContext =
	/^_?(products?|pets?|animals?|dogs?|cats?|horses?|breeds?|species|plants?|items?|skus?|categor(y|ies)|files?|tags?|plans?|compan(y|ies)|organi[sz]ations?|orgs?|brands?|teams?|projects?|events?|campaigns?|queues?|indexes|indices|collections?|fields?|apps?|applications?|services?|features?|roles?|permissions?|groups?|channels?|templates?|variants?|countr(y|ies)|cit(y|ies)|regions?|stores?|shops?|warehouses?|vendors?|suppliers?|merchants?|banks?|courses?|lessons?|books?|songs?|albums?|movies?|games?|jobs?|tasks?|steps?|workflows?|metrics?|attributes?|options?|settings?|config(uration)?s?|modules?|packages?|versions?|releases?|environments?|databases?|tables?|columns?|topics?|subjects?|assets?|documents?|images?|pages?|sections?|menus?|lists?|workspaces?|boards?|labels?|statuses|types?|kinds?|units?|currenc(y|ies)|languages?|locales?|timezones?)_?$/;

/**
 * The strategy a field's name suggests (`address.zipCode` -> `fake.zip`),
 * from its last two steps read together (`card.number`, `address.line1`,
 * `emails[].address`; `name.first` as `first_name`), then from its last. `collection` helps with a bare `name` or a birth date (a product's
 * name and a dog's are no person's). Undefined when the name says nothing personal; the values may
 * still (see suggest.ts).
 */
export function suggestByName(path: string, collection?: string): NameSuggestion | undefined {
	const steps = path.split('.').map(step => words(step.replace(/\[\]$/, '')));
	const last = steps.at(-1) ?? '';
	if (last === '' || last === '_id_') return undefined;
	const parent = steps.at(-2);
	// The last two steps first (emails[].address is an email, not a street), then the last alone.
	const candidates = parent ? [`${parent}${last.slice(1)}`, last] : [last];
	// name.first reads first_name.
	if (parent && /^_(first|last|given|family|middle|full|display)_$/.test(last)) candidates.unshift(`${last}${parent.slice(1)}`);
	for (const candidate of candidates) {
		const rule = rules.find(entry => entry.pattern.test(candidate));
		if (!rule) continue;
		if (/^_names?_$/.test(candidate) || rule.what === 'a birth date') {
			const context = parent ?? (collection === undefined ? undefined : words(collection));
			if (context && thingContext.test(context)) return undefined;
		}

		return {strategy: rule.strategy, reason: `the name says ${rule.what}`};
	}

	return undefined;
}

/** `firstName`, `first_name`, `first-name`, `FIRST NAME`, `addressLine1` -> `_first_name_`, ..., `_address_line_1_`. */
export function words(name: string): string {
	const spaced = name
		.replace(/([a-z])([A-Z])/g, '$1 $2')
		.replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
		.replace(/([A-Za-z])(\d)/g, '$1 $2')
		.replace(/(\d)([A-Za-z])/g, '$1 $2')
		.toLowerCase();
	const parts = spaced.split(/[^a-z0-9]+/).filter(part => part.length > 0);
	return `_${parts.join('_')}_`;
}
