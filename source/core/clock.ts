/**
 * The time monarch dates what it makes: backup names (`shop__2026_11_23`),
 * their manifests' `createdAt`, and generated migrations' file names. It is the real clock unless the caller
 * fixed it (the CLI does when `MONARCH_NOW` is set), so tests and documented
 * examples get the same names on any day. Durations, leases and timeouts
 * always use the real clock.
 */
let fixed: Date | undefined;

/** Now, or the fixed time. */
export function now(): Date {
	return new Date(fixed ?? Date.now());
}

/** Fixes the time {@link now} returns; `undefined` goes back to the real clock. */
export function fixClock(at: Date | undefined): void {
	fixed = at === undefined ? undefined : new Date(at);
}
