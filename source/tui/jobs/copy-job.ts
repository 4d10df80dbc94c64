import {describeError, isMonarchError} from '../../core/errors.js';
import type {EventSink} from '../../core/events.js';
import type {Prompter} from '../../core/prompts.js';
import type {CopyResult} from '../../core/restore/index.js';
import type {CopyAudit} from '../../core/scrub/index.js';
import type {SubsetRequest} from '../../core/subset/index.js';
import type {TuiServices} from '../context.js';
import type {JobSummary} from '../hooks/use-job-runner.js';
import {auditCount, copyAuditLines} from '../state/audit-lines.js';
import {copySummary, loadResultLines} from '../state/backup-rows.js';
import {askScrub} from './ask-scrub.js';
import {askSubset} from './ask-subset.js';
import {copyLine, scrubAuditLine} from './command-line.js';
import {pickEnvironment} from './pick-environment.js';
import {runAudit} from './privacy-jobs.js';

/* The one copy job: the Environments panel (`y`), the QuerySets panel (enter, then copy) and the `:` palette (`copy_db`) start it. */

/** What a copy already knows; the rest is asked in selects. */
export type CopyOptions = {
	from?: string | undefined;
	to?: string | undefined;
	querySet?: string | undefined;
	/** A subset given up front (the palette's `--subset`); otherwise offered by askSubset when monarch.json has references. */
	subset?: SubsetRequest | undefined;
};

/**
 * A copy from one environment into another (or of what a QuerySet picks) as a
 * job: asks source and target as needed, then whether to scrub (askScrub:
 * required when the source holds personal data and the target is not
 * protected, as --scrub / --no-scrub on the command line); the core then asks
 * the QuerySet's questions and confirms (the typed name when protected).
 * After a scrubbed copy it offers the audit (offerAudit), unless
 * `scrub.audit: true` had the core run it; the message shows its result.
 */
export function copyInto(tui: TuiServices, options: CopyOptions, reload?: () => void): void {
	if (tui.config.environments.length < 2) {
		tui.toast('Only one environment is configured: there is nowhere to copy into', 'error');
		return;
	}

	const what = options.querySet ? `QuerySet ${options.querySet}` : 'database';
	tui.startJob({
		title: options.from ? `Copy ${options.from}${options.querySet ? ` (${options.querySet})` : ''}` : `Copy ${what}`,
		command:
			options.from !== undefined && options.to !== undefined
				? copyLine({from: options.from, to: options.to, querySet: options.querySet, subset: options.subset})
				: undefined,
		async run({events, signal, prompter, setCommand}) {
			const from =
				options.from ??
				(await pickEnvironment(
					prompter,
					tui,
					`Copy ${options.querySet ? `what ${options.querySet} picks` : 'the database'} from which environment?`,
				));
			const to =
				options.to ??
				(await pickEnvironment(
					prompter,
					tui,
					options.querySet
						? `Copy what ${options.querySet} picks from ${from} into which environment?`
						: `Copy ${from} into which environment?`,
					from,
				));
			const subset =
				options.subset ?? (options.querySet ? undefined : await askSubset(prompter, tui, {from, to, verb: 'Copy', events, signal}));
			const personalData = tui.config.environments.find(environment => environment.name === from)?.personalData ?? false;
			const scrub = await askScrub(prompter, tui, {what: `the copy of ${from}`, personalData, target: to});
			setCommand(copyLine({from, to, querySet: options.querySet, scrub, subset}));
			const {copyDatabase} = await import('../../core/restore/index.js');
			const result = await copyDatabase({
				config: tui.config,
				from,
				to,
				querySet: options.querySet,
				subset,
				scrub,
				yes: false,
				prompter,
				events,
				signal,
			});
			const line = copyLine({
				from,
				to,
				querySet: result.querySet?.name ?? options.querySet,
				answers: result.querySet?.answers,
				scrub,
				subset,
			});
			if (result.querySet) setCommand(line);
			const copied = {
				...result,
				audit:
					result.audit ??
					(scrub === true
						? await offerAudit(tui, {
								from,
								to,
								prompter,
								events,
								signal,
								setCommand: () => setCommand(`${line} && ${scrubAuditLine(from, to)}`),
							})
						: undefined),
			};
			showCopyResult(tui, copied);
			return copied;
		},
		summary(result): JobSummary {
			const text = copySummary(result);
			if (!result.audit) return {text, tone: 'ok'};
			if (!result.audit.ran) return {text: `${text}; audit not run: ${result.audit.reason}`, tone: 'ok'};
			return {text: `${text}; audit: ${auditCount(result.audit.result)}`, tone: result.audit.result.clean ? 'ok' : 'fail'};
		},
		onSettled: reload,
	});
}

/**
 * After a scrubbed copy (when monarch.json's `scrub.audit` did not already
 * run it): "Audit the copy now?", and if so scrub_audit of the target against
 * the source inside the copy's job (the CLI line gets `&& monarch
 * scrub_audit`). The copy has happened whatever comes of it: esc is a no, and
 * an audit that fails is reported as not run, with its reason.
 */
async function offerAudit(
	tui: TuiServices,
	options: {from: string; to: string; prompter: Prompter; events: EventSink; signal: AbortSignal; setCommand: () => void},
): Promise<CopyAudit | undefined> {
	const {from, to} = options;
	const audit = await options.prompter
		.confirm({
			key: 'audit',
			message: `Audit the copy now? (scrub_audit: none of ${from}'s personal values may be in ${to}; read-only)`,
			default: true,
		})
		.catch((error: unknown) => {
			if (isMonarchError(error) && error.code === 'cancelled') return false;
			throw error;
		});
	if (!audit) return undefined;
	options.setCommand();
	try {
		return {ran: true, result: await runAudit(tui, {source: from, target: to, events: options.events, signal: options.signal})};
	} catch (error) {
		return {ran: false, reason: describeError(error)};
	}
}

/** The result message of a copy, and of the audit after it. */
function showCopyResult(tui: TuiServices, result: CopyResult): void {
	const from = `${result.from} (database ${result.sourceDatabase})${result.querySet ? `, QuerySet ${result.querySet.name} ${JSON.stringify(result.querySet.answers)}` : ''}`;
	const lines = [
		...loadResultLines(result, `${result.to} (database ${result.database})`, from),
		...(result.audit ? copyAuditLines(result.audit) : []),
	];
	const leaks = result.audit?.ran === true && !result.audit.result.clean;
	const audited = result.audit?.ran ? `; audit: ${auditCount(result.audit.result)}` : '';
	tui.showModal({
		title: `Copied ${result.from}${result.querySet ? ` (${result.querySet.name})` : ''} into ${result.to}${audited}`,
		tone: leaks ? 'error' : 'info',
		lines,
	});
}
