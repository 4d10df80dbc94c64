import {counted} from '../../core/plural.js';
import type {AuditFinding, CopyAudit, ScrubAuditResult} from '../../core/scrub/index.js';

/* scrub_audit's result as the TUI shows it: a job's result line and a message's lines (masked examples only: the core never returns a value). */

/** `0 leaks in development` or `3 leaks in development (2 paths)`: the audit job's result line. */
export function auditSummary(result: ScrubAuditResult): string {
	return `Audit: ${auditCount(result)} in ${result.target}${result.clean ? ` (${counted(result.scanned.documents, 'document')} checked against ${result.source})` : ''}`;
}

/** `0 leaks`, `3 leaks (2 paths)`. */
export function auditCount(result: ScrubAuditResult): string {
	if (result.clean) return '0 leaks';
	return `${counted(result.leaks, 'leak')} (${counted(new Set(result.findings.map(finding => `${finding.collection}.${finding.path}`)).size, 'path')})`;
}

/** What a finding is: a source's value, or a detector's hit where nothing scrubs. */
function findingText(finding: AuditFinding): string {
	const what =
		finding.finding === 'source-value'
			? `${counted(finding.count, 'value')} of the source (${finding.kind})`
			: `${counted(finding.count, 'detector hit')} (${finding.kind})`;
	return `${what} in ${counted(finding.documents, 'document')}, classified ${finding.classification}`;
}

/**
 * The lines of an audit's message: `0 leaks` and what was checked, or per
 * `collection.path` its finding and up to three masked examples, then what
 * to do.
 */
export function auditLines(result: ScrubAuditResult): string[] {
	const checked = [
		`${counted(result.scanned.documents, 'document')} of ${result.target} checked`,
		`against ${counted(result.read.digests, 'personal value')} of ${result.source}`,
	];
	if (result.clean) return [`0 leaks: ${checked[0]}`, `${checked[1]};`, 'no detector hit in a kept or unclassified path.'];
	const lines = [`${counted(result.leaks, 'leak')}: ${checked[0]}`, `${checked[1]}.`, ''];
	for (const finding of result.findings) {
		lines.push(`${finding.collection}.${finding.path}`, `  ${findingText(finding)}`);
		if (finding.examples.length > 0) lines.push(`  e.g. ${finding.examples.join(', ')}`);
	}

	lines.push('', `Classify each path with a strategy (P on ${result.source}: w adds the suggestions), copy again and audit.`);
	return lines;
}

/** The audit after a copy, as lines under the copy's: its result, or why it could not run. */
export function copyAuditLines(audit: CopyAudit): string[] {
	if (!audit.ran) return [`audit       not run: ${audit.reason}`];
	return ['', ...auditLines(audit.result)];
}
