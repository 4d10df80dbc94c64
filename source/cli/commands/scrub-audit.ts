import type {Command} from 'commander';
import {MonarchError} from '../../core/errors.js';
import {formatBytes} from '../../core/format.js';
import {counted} from '../../core/plural.js';
import type {AuditFinding, ScrubAuditResult} from '../../core/scrub/index.js';
import type {CliContext} from '../context.js';
import {table} from '../table.js';

/** `monarch scrub_audit <source>:<target> [--json]`. */
export function registerScrubAuditCommand(program: Command, context: () => CliContext): void {
	program
		.command('scrub_audit')
		.alias('scrub-audit')
		.argument('<source:target>', 'the environment copied from and the scrubbed copy to check')
		.option('--json', 'print the result as JSON (findings with masked examples, never a value)')
		.description(
			"prove a scrubbed copy holds none of the source's personal values: exit 1 on any leak, naming each collection.path (read-only)",
		)
		.addHelpText('after', '\nExamples:\n  monarch scrub_audit production:development\n  monarch scrub_audit production:staging --json')
		.action(async (ref: string, options: {json?: boolean}) => {
			const cli = context();
			const colon = ref.indexOf(':');
			const source = colon === -1 ? '' : ref.slice(0, colon);
			const target = colon === -1 ? '' : ref.slice(colon + 1);
			if (!source || !target)
				throw new MonarchError('usage', `<source:target>: expected <source>:<target>, got ${JSON.stringify(ref)}`, {
					hint: 'e.g. monarch scrub_audit production:development',
				});
			const {auditScrub} = await import('../../core/scrub/index.js');
			const result = await auditScrub({config: await cli.config(), source, target, events: cli.events, signal: cli.signal});
			cli.events.finish();
			cli.print(options.json ? JSON.stringify(result, null, 2) : describeAudit(result).join('\n'));
			if (!result.clean) process.exitCode = 1;
		});
}

/** `source value (email)`, `detected (phone)`. */
function findingName(finding: AuditFinding): string {
	return `${finding.finding === 'source-value' ? 'source value' : 'detected'} (${finding.kind})`;
}

/**
 * The text output of an audit (also printed after a copy with `scrub.audit`):
 * what was read and scanned, then either the clean line or a table of
 * findings per `collection.path` (masked examples) and what to do.
 */
export function describeAudit(result: ScrubAuditResult): string[] {
	const {read, scanned} = result;
	const lines = [
		`Audited ${result.target} (database ${result.targetDatabase}) against ${result.source} (database ${result.sourceDatabase}) in ${(result.durationMs / 1000).toFixed(1)} s: ` +
			`${counted(read.documents, 'document')} read, ${counted(read.digests, 'personal value')} kept as digests (${formatBytes(read.digestBytes)}); ` +
			`${counted(scanned.documents, 'document')} scanned (${counted(scanned.strings, 'string')}, ${counted(scanned.numbers, 'long number')}).`,
	];
	if (result.clean) {
		lines.push(
			`No leak: none of ${result.source}'s personal values is in ${result.target}, and no detector found personal data in a kept or unclassified path.`,
		);
		return lines;
	}

	const leaked = result.findings.filter(finding => finding.finding === 'source-value');
	const suspected = result.findings.filter(finding => finding.finding === 'detected');
	const rows = [['COLLECTION.PATH', 'FINDING', 'VALUES', 'DOCUMENTS', 'CLASSIFIED', 'EXAMPLES (MASKED)']];
	for (const finding of result.findings)
		rows.push([
			`${finding.collection}.${finding.path}`,
			findingName(finding),
			String(finding.count),
			String(finding.documents),
			finding.classification,
			finding.examples.join(', '),
		]);
	const parts = [
		...(leaked.length > 0
			? [
					`${counted(
						leaked.reduce((sum, finding) => sum + finding.count, 0),
						'value',
					)} of ${result.source} in ${counted(leaked.length, 'path')}`,
				]
			: []),
		...(suspected.length > 0
			? [
					`${counted(
						suspected.reduce((sum, finding) => sum + finding.count, 0),
						'detector hit',
					)} in ${counted(suspected.length, 'kept or unclassified path')}`,
				]
			: []),
	];
	lines.push(`LEAKS in ${result.target}: ${parts.join('; ')}`, table(rows));
	lines.push(
		`Classify each path with a strategy in the scrub section (e.g. "fake.email", or "redact" for free text), run the scrubbed copy again and audit it; \`monarch scrub_suggest ${result.source}\` proposes strategies.`,
	);
	return lines;
}
