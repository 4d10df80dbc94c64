/**
 * Passwords never reach output. Every password found in a configured URI is
 * registered here, and everything the CLI or TUI shows goes through `redact`.
 */
const secrets = new Set<string>();

/** Remembers a secret so that `redact` hides it wherever it appears. */
export function registerSecret(secret: string | undefined): void {
	if (secret && secret.length >= 3) secrets.add(secret);
}

const credentialsInUri = /(mongodb(?:\+srv)?:\/\/[^:/@\s]*:)([^@\s]*)(@)/gi;

/** Hides the password of a MongoDB connection string, keeping the user name. */
export function redactUri(uri: string): string {
	return uri.replace(credentialsInUri, '$1***$3');
}

/** Hides URI passwords and every registered secret in any text. */
export function redact(text: string): string {
	let result = redactUri(text);
	for (const secret of secrets) {
		if (result.includes(secret)) result = result.split(secret).join('***');
		const encoded = encodeURIComponent(secret);
		if (encoded !== secret && result.includes(encoded)) result = result.split(encoded).join('***');
	}

	return result;
}
