/**
 * The one error type the core throws on purpose. `code` picks the exit status,
 * `hint` tells the user what to do next. The CLI prints `message` (and `hint`)
 * on one line; the TUI shows them in a toast or a modal.
 */
export type ErrorCode =
	| 'usage' // bad argument or flag
	| 'config' // monarch.json is missing or wrong
	| 'not-found' // an environment, migration, backup... that does not exist
	| 'refused' // a protected or destructive action without confirmation
	| 'not-rehearsed' // migrate on an environment that requires a rehearsal, without a passing one of its pending migrations; nothing was changed
	| 'migration-failed' // a migration threw
	| 'queryset-failed' // a QuerySet threw
	| 'blocked' // a failed or interrupted migration blocks the run
	| 'locked' // another process holds the lock
	| 'connection' // cannot reach a server
	| 'corrupt' // a backup failed verification
	| 'server-refused' // the target server refused what a restore or copy needs (an index option); nothing was changed
	| 'unclassified' // a scrubbed copy met a field path or collection the classification does not cover; nothing was written
	| 'cancelled' // the user or an AbortSignal stopped the job
	| 'internal';

const exitCodes: Record<ErrorCode, number> = {
	usage: 2,
	config: 2,
	'not-found': 2,
	refused: 2,
	'not-rehearsed': 2,
	'migration-failed': 1,
	'queryset-failed': 1,
	blocked: 1,
	locked: 1,
	connection: 1,
	corrupt: 1,
	'server-refused': 1,
	unclassified: 1,
	cancelled: 130,
	internal: 1,
};

export class MonarchError extends Error {
	override readonly name = 'MonarchError';
	readonly code: ErrorCode;
	readonly hint: string | undefined;

	constructor(code: ErrorCode, message: string, options: {hint?: string; cause?: unknown} = {}) {
		super(message, {cause: options.cause});
		this.code = code;
		this.hint = options.hint;
	}

	get exitCode(): number {
		return exitCodes[this.code];
	}
}

export function isMonarchError(error: unknown): error is MonarchError {
	return error instanceof MonarchError;
}

/** The one-line message (message, then hint) for any error. */
export function describeError(error: unknown): string {
	if (isMonarchError(error)) {
		return error.hint ? `${error.message} (${error.hint})` : error.message;
	}

	if (error instanceof Error) return readableServerMessage(error) ?? error.message;
	return String(error);
}

/**
 * The first line of a message, as it is (not trimmed): a server's multi-line
 * error, a stack or a parser's excerpt said in one line (the rest stays in
 * the cause, for `--verbose`).
 */
export function firstLine(text: string): string {
	return text.split('\n', 1)[0] ?? '';
}

/** Go's formatting of internal values (`&{...}`, `map[...]`, `%!q(...)`), as FerretDB puts into some messages. */
const goFormatting = /&\{|\bmap\[|%!\w\(/;

/**
 * A server error whose message is the server's internal formatting, said in
 * words: what the server's code name says, the raw text being left to
 * `--verbose` (the error itself is kept as the cause). Undefined for any
 * other error.
 */
function readableServerMessage(error: Error): string | undefined {
	const {codeName, code} = error as {codeName?: unknown; code?: unknown};
	if (typeof code !== 'number' || !goFormatting.test(error.message)) return undefined;
	const name = typeof codeName === 'string' && codeName !== '' ? codeName : 'an error';
	const gist = error.message.split(/[:{]/)[0]!.trim();
	return `${gist ? `${gist} ` : ''}(the server answered ${name}, code ${code}; --verbose shows its own text)`;
}

/** Throws a `cancelled` MonarchError when the signal has been aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, what = 'the job'): void {
	if (signal?.aborted) {
		throw new MonarchError('cancelled', `Cancelled ${what}`);
	}
}
