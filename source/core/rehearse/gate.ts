import type {RehearsalRequirement} from '../environments.js';
import {MonarchError} from '../errors.js';
import {counted} from '../plural.js';
import {type PendingMigration, partCopied, type RehearsalReport} from './report.js';

/** Why the gate refuses: no rehearsal, the latest of this set too old or failed, one of other migrations, or a file edited since. */
export type GateReason = 'none' | 'too-old' | 'failed' | 'other-migrations' | 'changed-file';

/** A copy's time at most this far ahead of the server's now is its clock's jitter; further ahead, the report is not trusted. */
const futureToleranceMs = 60_000;

export type GateInput = {
	/** The environment migrated (reports of others are left out). */
	environment: string;
	/** Its pending migrations now, in order (key and sha256 of the file). */
	pending: PendingMigration[];
	/** `migrate_one`: the migration it would run (it must be one of `pending`). */
	key?: string | undefined;
	/** Stored reports, in any order. */
	reports: RehearsalReport[];
	/** The environment's server's time now: a copy's age is measured on that clock, never this machine's. */
	serverNow: Date;
	/** `migrate.requireRehearsal`; undefined: none required, and any age and a QuerySet's copy count (for the confirmation's evidence). */
	requirement: RehearsalRequirement | undefined;
};

/** What the gate decided: `rehearsal` is the report it relied on, or the one its refusal is about; `ageMs` that report's copy's age by the server's clock. */
export type GateDecision = {
	passed: boolean;
	/** Undefined when it passed. */
	reason: GateReason | undefined;
	rehearsal: RehearsalReport | undefined;
	ageMs: number | undefined;
	/** What was found, in words (after "refused: " or as the confirmation's evidence). */
	why: string;
};

/**
 * The rehearsal gate, pure: passes when the latest stored rehearsal of
 * exactly the pending set (names and checksums) of the whole database (or of
 * a QuerySet's part, when the requirement allows it) passed, and its copy is
 * younger than the limit by the server's clock. Two rehearsals of one set: the
 * latest counts. Otherwise says why, in this order: the latest of the set
 * failed or is too old; a file of the set changed since (same names, another
 * checksum); rehearsals of other migrations only; none at all.
 */
export function checkGate(input: GateInput): GateDecision {
	const {environment, pending, requirement, serverNow} = input;
	if (input.key !== undefined && !pending.some(migration => migration.key === input.key)) {
		return refuse(
			'other-migrations',
			undefined,
			undefined,
			`${input.key} is not pending on ${environment}; a rehearsal only runs pending migrations`,
		);
	}

	const ofEnvironment = newestFirst(input.reports.filter(report => report.source.environment === environment));
	const eligible = ofEnvironment.filter(report => counts(report, requirement));
	const ageOf = (report: RehearsalReport) => serverNow.getTime() - Date.parse(report.takenAt);
	const set = counted(pending.length, 'pending migration');

	const same = eligible.find(report => sameSet(report.pending, pending));
	if (same) {
		const ageMs = ageOf(same);
		const latest = `the latest rehearsal of these ${set} (${same.id}`;
		const named = `${latest}, ${copyOf(same)} taken ${formatAge(ageMs)} ago)`;
		if (!same.verdict.passed) {
			const failed = same.verdict.failed;
			return refuse('failed', same, ageMs, `${named} failed${failed ? `: ${failed.key}: ${failed.error}` : ''}`);
		}

		if (ageMs < -futureToleranceMs) {
			const at = serverNow.toISOString();
			return refuse('too-old', same, ageMs, `${latest}) is dated ${same.takenAt}, after the server's now (${at}): not trusted`);
		}

		if (requirement && ageMs > requirement.withinMs) {
			return refuse('too-old', same, ageMs, `${named} is older than ${requirement.within}`);
		}

		return {passed: true, reason: undefined, rehearsal: same, ageMs, why: `${named} passed`};
	}

	const edited = eligible.find(report => sameKeys(report.pending, pending));
	if (edited) {
		const changed = pending.filter(migration =>
			edited.pending.some(then => then.key === migration.key && then.checksum !== migration.checksum),
		);
		const names = changed.map(migration => migration.key).join(', ');
		return refuse(
			'changed-file',
			edited,
			ageOf(edited),
			`${names} changed since ${edited.id} rehearsed ${changed.length === 1 ? 'it' : 'them'} (another checksum)`,
		);
	}

	const other = eligible[0];
	if (other) {
		return refuse(
			'other-migrations',
			other,
			ageOf(other),
			`the latest rehearsal (${other.id}) was of other migrations: ${setDifference(other.pending, pending)}`,
		);
	}

	const querySetOnly = ofEnvironment[0];
	const why = querySetOnly
		? `only rehearsals on a part of ${environment} (a QuerySet or a subset) are stored (the latest: ${querySetOnly.id}); requireRehearsal counts one of the whole database unless it says "querySet": true`
		: `no rehearsal of ${environment} is stored`;
	return refuse('none', undefined, undefined, why);
}

/** Whether a rehearsal counts under the requirement: one of the whole database, or of a part (a QuerySet, a subset) when `querySet` allows it. */
function counts(report: RehearsalReport, requirement: RehearsalRequirement | undefined): boolean {
	return partCopied(report) === undefined || requirement?.querySet !== false;
}

/**
 * Whether this report decides the gate for these pending migrations: the
 * gate looks no further than the newest report of exactly this set that
 * counts, so reports older than it need not be read.
 */
export function decidesGate(report: RehearsalReport, pending: PendingMigration[], requirement: RehearsalRequirement | undefined): boolean {
	return counts(report, requirement) && sameSet(report.pending, pending);
}

/** The gate's refusal (`not-rehearsed`) and its reason: the TUI's dialog shows a failed rehearsal red, anything else missing yellow. */
export class GateRefusal extends MonarchError {
	readonly reason: GateReason;

	constructor(message: string, reason: GateReason, options: {hint: string}) {
		super('not-rehearsed', message, options);
		this.reason = reason;
	}
}

/** The gate's refusal: one line saying what is missing, and the command to run. */
export function gateRefusal(environment: string, decision: GateDecision, command: 'migrate' | 'migrate_one' = 'migrate'): GateRefusal {
	return new GateRefusal(`${command} ${environment} refused: ${decision.why}; nothing was changed`, decision.reason ?? 'none', {
		hint: `run \`monarch rehearse ${environment}\` first, or pass --unrehearsed to run anyway`,
	});
}

/** An age in words: `40 s`, `12 min`, `5 h`, `3 days`. */
export function formatAge(ms: number): string {
	const seconds = Math.max(0, Math.round(ms / 1000));
	if (seconds < 60) return `${seconds} s`;
	const minutes = Math.floor(seconds / 60);
	if (minutes < 60) return `${minutes} min`;
	const hours = Math.floor(minutes / 60);
	if (hours < 48) return `${hours} h`;
	return `${Math.floor(hours / 24)} days`;
}

/** `a copy` or `a QuerySet copy (AccountQuerySet)`. */
function copyOf(report: RehearsalReport): string {
	const part = partCopied(report);
	return part ? `a copy of ${part}` : 'a copy';
}

function refuse(reason: GateReason, rehearsal: RehearsalReport | undefined, ageMs: number | undefined, why: string): GateDecision {
	return {passed: false, reason, rehearsal, ageMs, why};
}

/** Newest copy first; one time, the greater id (ids sort by time, then a random part). */
function newestFirst(reports: RehearsalReport[]): RehearsalReport[] {
	return [...reports].sort((a, b) => Date.parse(b.takenAt) - Date.parse(a.takenAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

const entry = (migration: PendingMigration) => `${migration.key}:${migration.checksum}`;

function sameSet(then: PendingMigration[], now: PendingMigration[]): boolean {
	return then.length === now.length && then.map(entry).sort().join(',') === now.map(entry).sort().join(',');
}

function sameKeys(then: PendingMigration[], now: PendingMigration[]): boolean {
	const keys = (list: PendingMigration[]) => list.map(migration => migration.key).sort();
	return then.length === now.length && keys(then).join(',') === keys(now).join(',');
}

/** `not rehearsed: b; no longer pending: a`, as much as applies. */
function setDifference(then: PendingMigration[], now: PendingMigration[]): string {
	const added = now.filter(migration => !then.some(earlier => earlier.key === migration.key)).map(migration => migration.key);
	const gone = then.filter(earlier => !now.some(migration => migration.key === earlier.key)).map(migration => migration.key);
	const edited = now.filter(migration => then.some(earlier => earlier.key === migration.key && earlier.checksum !== migration.checksum));
	const parts = [
		added.length > 0 ? `not rehearsed: ${added.join(', ')}` : '',
		gone.length > 0 ? `no longer pending: ${gone.join(', ')}` : '',
		edited.length > 0 ? `changed since: ${edited.map(migration => migration.key).join(', ')}` : '',
	].filter(Boolean);
	return parts.join('; ');
}
