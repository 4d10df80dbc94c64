import {createHash} from 'node:crypto';
import {findPersonal, type PersonalKind} from './detect.js';
import type {FakeKind} from './fakes.js';

/** The `fake.<kind>` a finding of each kind becomes under `redact`; the others get `sameShape`. */
export const redactFakes: Partial<Record<PersonalKind, FakeKind>> = {
	email: 'email',
	phone: 'phone',
	card: 'creditCard',
	iban: 'iban',
	ipv4: 'ipv4',
	ipv6: 'ipv6',
};

/**
 * `text` with every finding of `findPersonal` replaced by `replacement(kind,
 * finding)`, the rest as it was; undefined when nothing was found (so a
 * caller can count the values it changed).
 */
export function redactText(text: string, replacement: (kind: PersonalKind, finding: string) => string): string | undefined {
	const spans = findPersonal(text);
	if (spans.length === 0) return undefined;
	let result = '';
	let position = 0;
	for (const span of spans) {
		result += text.slice(position, span.start) + replacement(span.kind, text.slice(span.start, span.end));
		position = span.end;
	}

	return result + text.slice(position);
}

/**
 * A deterministic replacement of the same shape for the kinds that have no
 * fake, from the finding's digest:
 * - an SSN becomes `9xx-yy-zzzz` with a group from 01 to 49: area 9xx is
 *   never issued and ITINs use groups 50 and up, so it is nobody's number
 *   (and `findPersonal` does not find it again);
 * - a JWT becomes an unsigned-looking token of three parts: the header
 *   `{"alg":"none","typ":"JWT"}`, a payload `{"sub":"<digest>"}` and the
 *   digest as signature;
 * - a token keeps its length and, character by character, its class (digit,
 *   lower case, upper case; any other character stays), so `sk_live_...`
 *   stays `sk_live_` followed by other characters of the same kinds.
 */
export function sameShape(kind: PersonalKind, finding: string, digest: Uint8Array): string {
	if (kind === 'ssn') {
		const area = 900 + (digest[0]! % 100);
		const group = 1 + (digest[1]! % 49);
		const serial = 1 + (((digest[2]! << 8) | digest[3]!) % 9999);
		return `${area}-${String(group).padStart(2, '0')}-${String(serial).padStart(4, '0')}`;
	}

	const hex = Buffer.from(digest).toString('hex');
	if (kind === 'jwt') {
		const header = Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url');
		const payload = Buffer.from(JSON.stringify({sub: hex.slice(0, 32)})).toString('base64url');
		return `${header}.${payload}.${Buffer.from(digest).toString('base64url')}`;
	}

	const bytes = stream(digest, finding.length);
	let result = '';
	for (let index = 0; index < finding.length; index++) {
		const code = finding.charCodeAt(index);
		const byte = bytes[index]!;
		if (code >= 48 && code <= 57) result += String.fromCharCode(48 + (byte % 10));
		else if (code >= 65 && code <= 90) result += String.fromCharCode(65 + (byte % 26));
		else if (code >= 97 && code <= 122) result += String.fromCharCode(97 + (byte % 26));
		else result += finding[index];
	}

	return result;
}

/** `length` bytes from a digest: sha256(digest, block number) for each 32 bytes. */
function stream(digest: Uint8Array, length: number): Uint8Array {
	const blocks: Buffer[] = [];
	for (let block = 0; blocks.length * 32 < length; block++) blocks.push(createHash('sha256').update(digest).update(String(block)).digest());
	return Buffer.concat(blocks).subarray(0, length);
}
