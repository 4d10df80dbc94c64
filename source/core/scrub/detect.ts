import {createRequire} from 'node:module';
import {isIPv4, isIPv6} from 'node:net';
import type {CountryCode, parsePhoneNumberFromString as ParsePhoneNumber} from 'libphonenumber-js/max';

/*
 * Libraries, and why:
 * - Phone numbers: libphonenumber-js (the maintained JavaScript port of
 *   Google's libphonenumber): each candidate run of grouped digits is parsed
 *   and checked against the country's number plan (`isValid`), with its
 *   "max" metadata (the smaller "min" set checks little more than lengths).
 *   Its own `findNumbers` cost 170 µs a string per country, measured; the
 *   candidates found here cost a parse each.
 * - IBAN and Luhn: validator (validator.js, the most used string validator):
 *   `isIBAN` checks each country's format and the mod-97 check digits. Each
 *   function is required on its own (`validator/lib/...`): the package's
 *   entry loads all of its hundred validators (88 ms measured).
 * - IP addresses: node's own `net.isIPv4`/`net.isIPv6`.
 * - Email, SSN, JWT and tokens: a regular expression finds candidates; JWTs
 *   are checked by decoding their header, tokens by their entropy.
 */
const require = createRequire(import.meta.url);

/**
 * The libraries load when a detector first needs one, not with this module:
 * a copy whose rules never redact (most: every scrubbed and plain copy_db
 * imports the scrubber) does not carry them. Measured, loaded and used once:
 * libphonenumber-js with its max metadata 9.5 MB of RSS, the two validators
 * 0.7 MB.
 */
function whenFirstUsed<T>(load: () => T): () => T {
	let value: T | undefined;
	return () => {
		value ??= load();
		return value;
	};
}

type Check = (text: string) => boolean;
const phoneParser = whenFirstUsed(
	() => (require('libphonenumber-js/max') as {parsePhoneNumberFromString: typeof ParsePhoneNumber}).parsePhoneNumberFromString,
);
const ibanCheck = whenFirstUsed(() => (require('validator/lib/isIBAN') as {default: Check}).default);
const luhnCheck = whenFirstUsed(() => (require('validator/lib/isLuhnNumber') as {default: Check}).default);

/** What a detector finds inside a string. */
export type PersonalKind = 'email' | 'phone' | 'card' | 'iban' | 'ipv4' | 'ipv6' | 'ssn' | 'jwt' | 'token';

/** A finding: `text.slice(start, end)` is one value of `kind`. */
export type PersonalSpan = {kind: PersonalKind; start: number; end: number};

/** What each kind reads as in reasons ("92% of values look like emails"). */
export const kindNames: Record<PersonalKind, string> = {
	email: 'email addresses',
	phone: 'phone numbers',
	card: 'card numbers',
	iban: 'IBANs',
	ipv4: 'IPv4 addresses',
	ipv6: 'IPv6 addresses',
	ssn: 'US social security numbers',
	jwt: 'JSON web tokens',
	token: 'secret tokens',
};

/** When two findings overlap, the kind listed first wins (a JWT is also a long token; an email may hold digits). */
const priority: readonly PersonalKind[] = ['jwt', 'email', 'iban', 'card', 'ssn', 'ipv6', 'ipv4', 'phone', 'token'];

const emailPattern =
	/[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}\b/g;
/** 13 to 19 digits, single spaces or dashes allowed between them, not inside a longer run of digits. */
const cardPattern = /(?<![\d.,-])\d(?:[ -]?\d){12,18}(?![\d,]|[.-]\d)/g;
/** Two letters, two check digits, 11 to 30 letters or digits, optionally in groups of four. */
const ibanPattern = /\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b/g;
const ipv4Pattern = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d]|\.\d)/g;
const ipv6Pattern = /(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?(?![0-9A-Fa-f:.])/g;
/** ###-##-####, not area 000, 666 or 9xx (never issued), not group 00 or serial 0000. */
const ssnPattern = /(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])/g;
const jwtPattern = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;
/** A run of base64 / base64url characters long enough to be a secret. */
const tokenPattern = /[A-Za-z0-9_\-+/]{24,}={0,2}/g;
/** Digits, possibly grouped with single spaces, dots, dashes or brackets, perhaps a phone number. */
const phoneCandidates = /(?:\+ ?)?(?:\(\d{1,5}\) ?)?\d+(?:[ .-]?(?:\(\d{1,5}\)|\d+)){0,12}/g;
/** 2026-03-01, 01/03/2026, 1.3.2026: dates, not numbers. */
const datePattern = /^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})(?:\D|$)/;
/** Besides the US, the countries whose national formats (no +, a trunk 0) are looked for; numbers with a + are found whatever their country. */
const nationalCountries: readonly CountryCode[] = ['GB', 'FR', 'DE'];

/**
 * Every email, phone number, card number (Luhn-valid, 13 to 19 digits), IBAN
 * (format and mod 97), IPv4/IPv6 address, US SSN, JWT and long random token
 * in `text`, in order, none overlapping. Decisions:
 * - phone numbers written as a bare run of digits (`4155552671`) are left
 *   out: order and tracking numbers look the same; a phone number is found
 *   with a `+`, or grouped (`(415) 555-2671`, `06 12 34 56 78`);
 * - card numbers need a first digit 2 to 6 (the card networks: Mir and
 *   Mastercard 2, Amex/JCB/Diners 3, Visa 4, Mastercard/Maestro 5,
 *   Discover/UnionPay 6), so ISBNs and EAN codes starting 9 are not cards;
 * - tokens are runs of 24+ base64/base64url characters with letters and
 *   digits, high entropy and frequent changes between lower case, upper
 *   case and digits. Hexadecimal strings are never tokens: content hashes
 *   (sha1, sha256), ObjectIds and UUIDs are hex, and telling a hex API key
 *   from a hash is guesswork; a field named `token`/`secret`/`apiKey` is
 *   caught by its name (`suggestByName`). Base64 hashes are flagged.
 * Cheap tests come first (no `@`, no email search; fewer than 7 digits, no
 * phone search: the `gates` over the text's {@link TextShape}, one scan of
 * its characters, or none when the caller `counted` it already, as
 * `scrub_audit` does from the bytes), so most strings cost a few character
 * scans: measured before the gates were one scan, 6.9 µs
 * a string over a mix of ten typical values (names, statuses, dates, hashes,
 * SKUs, two with a phone number), 2 µs for a short word, 75 µs for a text
 * holding a phone number (one libphonenumber parse per candidate).
 */
export function findPersonal(text: string, counted?: TextShape): PersonalSpan[] {
	if (text.length < minimumLength) return [];
	const shape = counted ?? countShape(shared, text);
	const found: PersonalSpan[] = [];
	const add = (kind: PersonalKind, start: number, end: number) => found.push({kind, start, end});
	const search = (kind: PersonalKind, pattern: RegExp, accept?: (value: string) => boolean) =>
		eachMatch(pattern, text, (value, start) => {
			if (!accept || accept(value)) add(kind, start, start + value.length);
		});
	if (gates.email(shape)) search('email', emailPattern);
	if (gates.jwt(shape)) search('jwt', jwtPattern, isJwt);
	if (gates.card(shape)) search('card', cardPattern, isCardNumber);
	if (gates.iban(shape)) search('iban', ibanPattern, text => ibanCheck()(text));
	if (gates.ssn(shape)) search('ssn', ssnPattern);
	if (gates.ipv4(shape)) search('ipv4', ipv4Pattern, isIPv4);
	if (gates.ipv6(shape)) search('ipv6', ipv6Pattern, value => value.length > 2 && isIPv6(value));
	if (gates.phone(shape)) findPhones(text, add);
	if (gates.token(shape)) search('token', tokenPattern, isToken);
	return resolveOverlaps(found);
}

/** Strings shorter than this hold no finding. */
const minimumLength = 6;

/**
 * What `findPersonal`'s cheap tests look at: the length, how many ASCII
 * digits, whether there is an ASCII capital, an `@`, `eyJ` (a JWT's start),
 * `-`, `.`, `::`, and how many `:`. Counted over a string's UTF-16 code
 * units ({@link textShape}), or over its UTF-8 bytes ({@link ShapeCounter}):
 * every character looked for is ASCII, which UTF-8 writes as that one byte
 * and never inside another character's bytes, so both count the same except
 * the length, which in bytes is at least the string's (each gate asks for a
 * length of at least so much: more bytes can only open a gate, never close
 * one).
 */
export type TextShape = {
	length: number;
	digits: number;
	upper: boolean;
	at: boolean;
	jwt: boolean;
	dash: boolean;
	dot: boolean;
	colons: number;
	doubleColon: boolean;
	/** The longest run of characters a token is made of (`[A-Za-z0-9_+/-]`). */
	tokenRun: number;
	/** Two capitals, then two digits (an IBAN's start). */
	ibanStart: boolean;
	/** A digit, a dot, a digit (in an IPv4 address). */
	digitDotDigit: boolean;
};

/**
 * Which detector `findPersonal` runs for a text of this shape (each one's
 * regular expression is searched only when its gate is open). What a gate
 * adds to what its pattern needs anyway (`tokenRun`, `ibanStart`,
 * `digitDotDigit`: without them the pattern cannot match) spares a search
 * and changes no finding.
 */
const gates: Record<PersonalKind, (shape: TextShape) => boolean> = {
	email: shape => shape.at,
	jwt: shape => shape.jwt,
	card: shape => shape.digits >= 13,
	iban: shape => shape.upper && shape.digits >= 4 && shape.length >= 15 && shape.ibanStart,
	ssn: shape => shape.digits >= 9 && shape.dash,
	ipv4: shape => shape.digits >= 4 && shape.dot && shape.digitDotDigit,
	ipv6: shape => shape.doubleColon || shape.colons >= 7,
	phone: shape => shape.digits >= 7,
	token: shape => shape.length >= 24 && shape.digits > 0 && shape.tokenRun >= 24,
};
const gateList = Object.values(gates);

/**
 * False when `findPersonal` finds nothing in a text of this shape, whatever
 * the text (no detector's gate is open); true when some detector must look.
 * With a shape counted over UTF-8 bytes it may say true where the string's
 * own shape says false (a longer length), never the other way round.
 */
export function mayFindPersonal(shape: TextShape): boolean {
	if (shape.length < minimumLength) return false;
	for (const gate of gateList) if (gate(shape)) return true;
	return false;
}

/** A string's {@link TextShape}, over its UTF-16 code units. */
export function textShape(text: string): TextShape {
	return {...countShape(new ShapeCounter(), text)};
}

function countShape(counter: ShapeCounter, text: string): TextShape {
	counter.reset();
	for (let index = 0; index < text.length; index++) counter.count(text.charCodeAt(index));
	return counter.shape;
}

/**
 * Counts a {@link TextShape} one code unit (or UTF-8 byte) at a time, with
 * no allocation once made: `reset`, `count` each, then read `shape`.
 */
export class ShapeCounter {
	readonly shape: TextShape = emptyShape();
	private previous = 0;
	private beforePrevious = 0;
	private third = 0;
	private run = 0;

	reset(): void {
		const {shape} = this;
		shape.length = 0;
		shape.digits = 0;
		shape.upper = false;
		shape.at = false;
		shape.jwt = false;
		shape.dash = false;
		shape.dot = false;
		shape.colons = 0;
		shape.doubleColon = false;
		shape.tokenRun = 0;
		shape.ibanStart = false;
		shape.digitDotDigit = false;
		this.previous = 0;
		this.beforePrevious = 0;
		this.third = 0;
		this.run = 0;
	}

	count(code: number): void {
		const {shape, previous, beforePrevious} = this;
		shape.length++;
		if (isTokenCharacter(code)) {
			this.run++;
			if (this.run > shape.tokenRun) shape.tokenRun = this.run;
		} else {
			this.run = 0;
		}

		if (code >= 48 && code <= 57) {
			shape.digits++;
			if (previous === 46 && isDigit(beforePrevious)) shape.digitDotDigit = true;
			if (isDigit(previous) && isUpper(beforePrevious) && isUpper(this.third)) shape.ibanStart = true;
		} else if (code >= 65 && code <= 90) {
			shape.upper = true;
			// `eyJ`
			if (code === 74 && previous === 121 && beforePrevious === 101) shape.jwt = true;
		} else if (code === 64) shape.at = true;
		else if (code === 45) shape.dash = true;
		else if (code === 46) shape.dot = true;
		else if (code === 58) {
			shape.colons++;
			if (previous === 58) shape.doubleColon = true;
		}

		this.third = beforePrevious;
		this.beforePrevious = previous;
		this.previous = code;
	}
}

/** A {@link TextShape} of no character. */
export function emptyShape(): TextShape {
	return {
		length: 0,
		digits: 0,
		upper: false,
		at: false,
		jwt: false,
		dash: false,
		dot: false,
		colons: 0,
		doubleColon: false,
		tokenRun: 0,
		ibanStart: false,
		digitDotDigit: false,
	};
}

const isDigit = (code: number) => code >= 48 && code <= 57;
const isUpper = (code: number) => code >= 65 && code <= 90;
/** `[A-Za-z0-9_+/-]`: what a token is made of (tokenPattern). */
export function isTokenCharacter(code: number): boolean {
	return (code >= 97 && code <= 122) || isUpper(code) || isDigit(code) || code === 95 || code === 45 || code === 43 || code === 47;
}

/** `findPersonal`'s counter, reused (it runs to its end before it is called again). */
const shared = new ShapeCounter();

/**
 * What a whole value is: one kind (the value, spaces around it aside, is one
 * finding), `text-with-personal` (findings inside other text), or undefined.
 */
export function detectValue(value: string): PersonalKind | 'text-with-personal' | undefined {
	const spans = findPersonal(value);
	return spans.length === 0 ? undefined : wholeKind(value, spans);
}

/** What `value` is given its findings (at least one): one kind when a finding is all of it (spaces aside), else text holding some. */
export function wholeKind(value: string, spans: readonly PersonalSpan[]): PersonalKind | 'text-with-personal' {
	const [first] = spans;
	if (spans.length === 1 && value.slice(0, first!.start).trim() === '' && value.slice(first!.end).trim() === '') return first!.kind;
	return 'text-with-personal';
}

function findPhones(text: string, add: (kind: PersonalKind, start: number, end: number) => void): void {
	eachMatch(phoneCandidates, text, (candidate, start) => {
		// Part of an identifier (ORD-2024-000123, a/b/123 4567): not a phone number.
		if (/[\w/#-]/.test(text[start - 1] ?? ' ') || /[\w/#]/.test(text[start + candidate.length] ?? ' ')) return;
		const digitCount = candidate.replace(/\D/g, '').length;
		if (digitCount < 7 || digitCount > 15) return;
		// A bare run of digits is as likely an order number (see findPersonal); dates are not numbers.
		if (!/^\+|\D/.test(candidate) || datePattern.test(candidate)) return;
		if (isPhoneNumber(candidate, digitCount)) add('phone', start, start + candidate.length);
	});
}

/**
 * Calls `visit` with each match of the global `pattern` in `text` and where
 * it starts, as `text.matchAll(pattern)` would list them, with `exec` on the
 * pattern itself (matchAll copies the pattern on every call: measured, the
 * copy costs more than a short text's search). Nothing it calls may search
 * with the same pattern.
 */
function eachMatch(pattern: RegExp, text: string, visit: (value: string, start: number) => void): void {
	pattern.lastIndex = 0;
	for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
		// An empty match moves on by one character, as matchAll does (none of the patterns matches empty).
		if (match[0] === '') pattern.lastIndex++;
		visit(match[0], match.index);
	}
}

/**
 * libphonenumber's validity (each country's number plan) of a candidate: a
 * `+` number in any country; without a `+`, a national number of the US or
 * of `nationalCountries`. A `+` number it does not know (a fictional range
 * such as +1 555 0100) still counts when it has 8 to 15 digits.
 */
function isPhoneNumber(candidate: string, digitCount: number): boolean {
	const parsePhoneNumberFromString = phoneParser();
	if (candidate.startsWith('+')) return parsePhoneNumberFromString(candidate)?.isValid() === true || digitCount >= 8;
	// Without a +: a national number of a country with a trunk 0 (GB, FR, DE), or a North American one (ten digits, or 1 and ten).
	if (/^\(?0/.test(candidate)) return nationalCountries.some(country => parsePhoneNumberFromString(candidate, country)?.isValid() === true);
	return (
		(digitCount === 10 || (digitCount === 11 && /^\(?1/.test(candidate))) && parsePhoneNumberFromString(candidate, 'US')?.isValid() === true
	);
}

function isCardNumber(candidate: string): boolean {
	const digits = candidate.replace(/[ -]/g, '');
	if (digits.length < 13 || digits.length > 19) return false;
	const first = digits.charCodeAt(0) - 48;
	return first >= 2 && first <= 6 && luhnCheck()(digits);
}

/** A JWT: its header is base64url JSON with an `alg`. */
function isJwt(candidate: string): boolean {
	const header = candidate.slice(0, candidate.indexOf('.'));
	try {
		const decoded = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as unknown;
		return typeof decoded === 'object' && decoded !== null && typeof (decoded as {alg?: unknown}).alg === 'string';
	} catch {
		return false;
	}
}

/**
 * A long random token: letters and digits, not hexadecimal (see findPersonal),
 * at least 3.9 bits of entropy per character (random base64 of 24 characters
 * averages 4.2; English words and slugs stay under 3.8), and a change of
 * character class (lower, upper, digit) at least every fourth character
 * (random base62 changes 6 times in 10; camelCase names and slugs rarely).
 */
function isToken(candidate: string): boolean {
	const body = candidate.replace(/=+$/, '');
	if (/^[0-9a-fA-F-]+$/.test(body)) return false;
	let lower = 0;
	let upper = 0;
	let digit = 0;
	let changes = 0;
	let previous = -1;
	let counted = 0;
	const frequencies = new Map<number, number>();
	for (let index = 0; index < body.length; index++) {
		const code = body.charCodeAt(index);
		frequencies.set(code, (frequencies.get(code) ?? 0) + 1);
		let kind: number;
		if (code >= 48 && code <= 57) {
			digit++;
			kind = 0;
		} else if (code >= 65 && code <= 90) {
			upper++;
			kind = 1;
		} else if (code >= 97 && code <= 122) {
			lower++;
			kind = 2;
		} else {
			continue;
		}

		if (previous !== -1 && kind !== previous) changes++;
		previous = kind;
		counted++;
	}

	if (digit === 0 || lower + upper === 0 || counted < 20) return false;
	if (changes / counted < 0.25) return false;
	let entropy = 0;
	for (const count of frequencies.values()) {
		const p = count / body.length;
		entropy -= p * Math.log2(p);
	}

	return entropy >= 3.9;
}

function resolveOverlaps(found: PersonalSpan[]): PersonalSpan[] {
	if (found.length < 2) return found;
	const ranked = [...found].sort(
		(a, b) => priority.indexOf(a.kind) - priority.indexOf(b.kind) || b.end - b.start - (a.end - a.start) || a.start - b.start,
	);
	const kept: PersonalSpan[] = [];
	for (const span of ranked) if (!kept.some(other => span.start < other.end && other.start < span.end)) kept.push(span);
	return kept.sort((a, b) => a.start - b.start);
}
