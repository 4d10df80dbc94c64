import {createRequire} from 'node:module';
import type {ConnectionString} from 'mongodb-connection-string-url';

/**
 * Passwords never reach output. The secrets of every configured URI (and the
 * S3 secret key) are registered here, and everything the CLI or TUI shows goes
 * through `redact`, which also hides the secrets of any other MongoDB URI in
 * the text. Which parts of a URI are secret is the driver's own parser's
 * answer (mongodb-connection-string-url): the password, and the
 * `tlsCertificateKeyFilePassword`, `proxyPassword` and
 * `authMechanismProperties=AWS_SESSION_TOKEN:` options. A URI with neither
 * user info, options nor a secret option's name holds no secret and is left
 * as written without the parser, which (with the WHATWG URL code under it)
 * takes tens of milliseconds to load: it loads on the first URI that needs it.
 */
const secrets = new Set<string>();

/** mongodb-connection-string-url (CommonJS, the copy the driver requires), loaded on first use. */
let parser: typeof import('mongodb-connection-string-url') | undefined;
function connectionStrings(): typeof import('mongodb-connection-string-url') {
	parser ??= createRequire(import.meta.url)('mongodb-connection-string-url') as typeof import('mongodb-connection-string-url');
	return parser;
}

/**
 * Where a URI's secrets can be: its user info (before an `@`), its options
 * (after a `?`), and the secret options' names that the parser's fallback
 * looks for in a URI it cannot parse. A URI with none of them holds no secret.
 */
const secretPlace = /[@?]|AWS_SESSION_TOKEN|tlsCertificateKeyFilePassword|proxyPassword/i;

/** Remembers a secret so that `redact` hides it wherever it appears. */
export function registerSecret(secret: string | undefined): void {
	if (secret && secret.length >= 3) secrets.add(secret);
}

/** The secrets a MongoDB connection string carries, decoded; none when it does not parse. */
export function secretsOf(uri: string): string[] {
	if (!secretPlace.test(uri)) return [];
	const parsed = parse(uri);
	if (!parsed) return [];
	const parameters = parsed.searchParams;
	const token = new (connectionStrings().CommaAndColonSeparatedRecord)(parameters.get('authMechanismProperties') ?? '').get(
		'AWS_SESSION_TOKEN',
	);
	return [
		decode(parsed.password),
		parameters.get('tlsCertificateKeyFilePassword'),
		parameters.get('proxyPassword'),
		token === undefined ? undefined : String(token),
	].filter((secret): secret is string => typeof secret === 'string' && secret !== '');
}

const uriInText = /mongodb(?:\+srv)?:\/\/[^\s"'<>]+/gi;
const hidden = '***';

/** Hides the secrets of every MongoDB connection string in `text`, keeping the rest of it as written (user name included). */
export function redactUri(text: string): string {
	return text.replace(uriInText, uri => {
		if (!secretPlace.test(uri)) return uri;
		const parsed = parse(uri);
		// Not a URI the parser takes: its own fallback hides what looks like credentials.
		if (!parsed) return connectionStrings().redactConnectionString(uri, {redactUsernames: false, replacementString: hidden});
		// The password where it stands (it may be short), then every secret wherever it appears in the URI.
		let redacted = parsed.password ? uri.replace(`:${parsed.password}@`, `:${hidden}@`) : uri;
		for (const secret of secretsOf(uri)) redacted = hide(redacted, secret);
		return redacted;
	});
}

/** Hides URI secrets and every registered secret in any text. */
export function redact(text: string): string {
	let result = redactUri(text);
	for (const secret of secrets) result = hide(result, secret);
	return result;
}

function hide(text: string, secret: string): string {
	let result = text.split(secret).join(hidden);
	const encoded = encodeURIComponent(secret);
	if (encoded !== secret) result = result.split(encoded).join(hidden);
	return result;
}

function parse(uri: string): ConnectionString | undefined {
	try {
		return new (connectionStrings().ConnectionString)(uri, {looseValidation: true});
	} catch {
		return undefined;
	}
}

function decode(value: string): string {
	try {
		return decodeURIComponent(value);
	} catch {
		return value;
	}
}
