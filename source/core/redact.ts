import {CommaAndColonSeparatedRecord, ConnectionString, redactConnectionString} from 'mongodb-connection-string-url';

/**
 * Passwords never reach output. The secrets of every configured URI (and the
 * S3 secret key) are registered here, and everything the CLI or TUI shows goes
 * through `redact`, which also hides the secrets of any other MongoDB URI in
 * the text. Which parts of a URI are secret is the driver's own parser's
 * answer (mongodb-connection-string-url): the password, and the
 * `tlsCertificateKeyFilePassword`, `proxyPassword` and
 * `authMechanismProperties=AWS_SESSION_TOKEN:` options.
 */
const secrets = new Set<string>();

/** Remembers a secret so that `redact` hides it wherever it appears. */
export function registerSecret(secret: string | undefined): void {
	if (secret && secret.length >= 3) secrets.add(secret);
}

/** The secrets a MongoDB connection string carries, decoded; none when it does not parse. */
export function secretsOf(uri: string): string[] {
	const parsed = parse(uri);
	if (!parsed) return [];
	const parameters = parsed.searchParams;
	const token = new CommaAndColonSeparatedRecord(parameters.get('authMechanismProperties') ?? '').get('AWS_SESSION_TOKEN');
	return [decode(parsed.password), parameters.get('tlsCertificateKeyFilePassword'), parameters.get('proxyPassword'), token === undefined ? undefined : String(token)].filter(
		(secret): secret is string => typeof secret === 'string' && secret !== '',
	);
}

const uriInText = /mongodb(?:\+srv)?:\/\/[^\s"'<>]+/gi;
const hidden = '***';

/** Hides the secrets of every MongoDB connection string in `text`, keeping the rest of it as written (user name included). */
export function redactUri(text: string): string {
	return text.replace(uriInText, uri => {
		const parsed = parse(uri);
		// Not a URI the parser takes: its own fallback hides what looks like credentials.
		if (!parsed) return redactConnectionString(uri, {redactUsernames: false, replacementString: hidden});
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
		return new ConnectionString(uri, {looseValidation: true});
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
