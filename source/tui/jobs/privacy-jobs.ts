import type {EventSink} from '../../core/events.js';
import type {ScrubAuditResult, ScrubSuggestResult} from '../../core/scrub/index.js';
import type {TuiServices} from '../context.js';
import type {JobSummary} from '../hooks/use-job-runner.js';
import {auditCount, auditLines, auditSummary} from '../state/audit-lines.js';
import {scrubAuditLine, scrubSuggestLine} from './command-line.js';
import {pickEnvironment} from './pick-environment.js';

/* The privacy view's jobs (`w`, `a`), and the audit the copy job offers: panels and views import these, never core's suggest or audit for a job. */

/**
 * `monarch scrub_suggest <env> --write` as a job: reads the sample again,
 * shows what it would add to monarch.json and asks (the core's confirmation,
 * through the job's prompter), writes, and reads monarch.json again once it
 * ended, so the privacy view and the Environments panel's counts show the new
 * classification.
 */
export function writeSuggestionsJob(tui: TuiServices, environment: string): void {
	tui.startJob({
		title: `Classify ${environment}'s paths`,
		command: scrubSuggestLine(environment, {write: true}),
		async run({events, signal, prompter}) {
			const {suggestScrub} = await import('../../core/scrub/index.js');
			return suggestScrub({config: tui.config, environment, write: true, prompter, events, signal});
		},
		summary: writeSummary,
		onSettled() {
			void tui.reloadConfig();
		},
	});
}

/** What --write did, as the job's result line. */
export function writeSummary(result: ScrubSuggestResult): string {
	const written = result.written;
	if (!written || written.added === 0) return `Nothing to add to ${result.file}: every path seen in ${result.environment} is classified`;
	return `Added ${written.added === 1 ? '1 entry' : `${written.added} entries`} to ${result.file} (${written.collections.map(entry => `${entry.name}: ${entry.whole ? `"${entry.whole}"` : entry.added}`).join(', ')}): review the diff`;
}

/**
 * `monarch scrub_audit <source>:<target>` as a job (read-only on both): asks
 * the target unless given, then shows the result in a message (0 leaks, or
 * each path with masked examples); a leak makes the result line red.
 */
export function auditJob(tui: TuiServices, options: {source: string; target?: string | undefined}): void {
	const {source} = options;
	if (tui.config.environments.length < 2) {
		tui.toast(`Only ${source} is configured: there is no copy of it to audit`, 'error');
		return;
	}

	tui.startJob({
		title: `Audit against ${source}`,
		command: options.target === undefined ? undefined : scrubAuditLine(source, options.target),
		async run({events, signal, prompter, setCommand}) {
			const target =
				options.target ?? (await pickEnvironment(prompter, tui, `Audit which environment for ${source}'s personal values?`, source));
			setCommand(scrubAuditLine(source, target));
			const result = await runAudit(tui, {source, target, events, signal});
			tui.showModal({
				title: `Audit of ${target} against ${source}: ${auditCount(result)}`,
				tone: result.clean ? 'info' : 'error',
				lines: auditLines(result),
			});
			return result;
		},
		summary: (result): JobSummary => ({text: auditSummary(result), tone: result.clean ? 'ok' : 'fail'}),
	});
}

/** The one call of the core's audit in the TUI: the audit job's, and the copy job's after a scrubbed copy (inside that job). */
export async function runAudit(
	tui: TuiServices,
	options: {source: string; target: string; events: EventSink; signal: AbortSignal},
): Promise<ScrubAuditResult> {
	const {auditScrub} = await import('../../core/scrub/index.js');
	return auditScrub({config: tui.config, ...options});
}
