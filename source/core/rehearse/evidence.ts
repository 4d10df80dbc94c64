import {counted} from '../plural.js';
import {formatDuration} from '../progress.js';
import type {ToneLine} from '../prompts.js';
import {formatAge, type GateDecision} from './gate.js';
import {partCopied, type RehearsalReport} from './report.js';

/** How long a run should take on the environment: the rehearsal's durations scaled by its document counts over the copy's. */
export type RunEstimate = {
	/** The rehearsed migrations' durations added up (ms). */
	rehearsedMs: number;
	/** Documents of the copy's data collections before the migrations ran. */
	copyDocuments: number;
	/** Documents of the same collections on the environment now. */
	targetDocuments: number;
	/** `rehearsedMs` × `targetDocuments` / `copyDocuments` (the durations as they are when the copy held nothing). */
	estimatedMs: number;
};

/** The estimate from a report and the environment's count of each collection the copy held (`counts`, by name). */
export function estimateRun(report: RehearsalReport, counts: Map<string, number>): RunEstimate {
	const rehearsedMs = report.migrations.reduce((sum, migration) => sum + (migration.durationMs ?? 0), 0);
	const held = report.collections.filter(collection => collection.before > 0);
	const copyDocuments = held.reduce((sum, collection) => sum + collection.before, 0);
	const targetDocuments = held.reduce((sum, collection) => sum + (counts.get(collection.name) ?? 0), 0);
	const estimatedMs = copyDocuments === 0 ? rehearsedMs : Math.round((rehearsedMs * targetDocuments) / copyDocuments);
	return {rehearsedMs, copyDocuments, targetDocuments, estimatedMs};
}

/** `2026-12-07 20:30:03 UTC`. */
function utc(iso: string): string {
	return `${iso.slice(0, 19).replace('T', ' ')} UTC`;
}

const numbers = new Intl.NumberFormat('en-US');

/**
 * What a migrate's confirmation shows before the typed name: the rehearsal
 * it relies on (green: `Rehearsed 12 min ago on a copy taken at …: 4 of 4
 * passed, 3 collections changed`) and the run's estimate; or `Not rehearsed`
 * and why (yellow); or the failed rehearsal (red). `unrehearsed`: the run goes
 * past the gate's refusal, which is said too.
 */
export function evidenceLines(
	environment: string,
	decision: GateDecision,
	estimate: RunEstimate | undefined,
	unrehearsed: boolean,
): ToneLine[] {
	const report = decision.rehearsal;
	const lines: ToneLine[] = [];
	if (decision.passed && report) {
		lines.push({text: `Rehearsed ${formatAge(decision.ageMs ?? 0)} ago on ${copyTaken(report)}: ${outcomes(report)}`, tone: 'good'});
		if (estimate) lines.push({text: estimateLine(environment, estimate), tone: 'plain'});
	} else if (decision.reason === 'failed' && report) {
		const failed = report.verdict.failed;
		const what = failed ? `; ${failed.key}: ${failed.error}` : '';
		lines.push({
			text: `Rehearsal failed ${formatAge(decision.ageMs ?? 0)} ago on ${copyTaken(report)}: ${outcomes(report)}${what}`,
			tone: 'bad',
		});
	} else {
		lines.push({text: `Not rehearsed: ${decision.why}`, tone: 'warn'});
	}

	if (unrehearsed) lines.push({text: 'Running unrehearsed (--unrehearsed): the history records it', tone: 'warn'});
	return lines;
}

/** `a copy taken at 2026-12-07 20:30:03 UTC`, or `a QuerySet copy (AccountQuerySet) taken at …`. */
function copyTaken(report: RehearsalReport): string {
	const part = partCopied(report);
	const copy = part ? `a copy of ${part}` : 'a copy';
	return `${copy}${report.scrubbed ? ', scrubbed,' : ''} taken at ${utc(report.takenAt)}`;
}

/** `4 of 4 passed, 3 collections changed`. */
function outcomes(report: RehearsalReport): string {
	const passed = report.migrations.filter(migration => migration.state === 'Completed').length;
	const changed = report.collections.filter(
		change => change.inserted + change.deleted + change.changed + change.indexesAdded.length + change.indexesDropped.length > 0,
	).length;
	return `${passed} of ${report.migrations.length} passed, ${counted(changed, 'collection')} changed`;
}

/** `Estimated ~1 min 40 s on production (10 s on the copy's 1,000 documents; 10,000 there now)`. */
function estimateLine(environment: string, estimate: RunEstimate): string {
	const copy = `${formatDuration(estimate.rehearsedMs)} on the copy's ${numbers.format(estimate.copyDocuments)} documents`;
	return `Estimated ~${formatDuration(estimate.estimatedMs)} on ${environment} (${copy}; ${numbers.format(estimate.targetDocuments)} there now)`;
}
