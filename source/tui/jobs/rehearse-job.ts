import {rehearse} from '../../core/rehearse/rehearse.js';
import type {TuiServices} from '../context.js';
import {pickQuerySet} from './pick-query-set.js';

/* Started by the Migrations panel's `R` (and any other way into a rehearsal): panels import jobs from source/tui/jobs/. */

/**
 * `monarch rehearse <environment>` as a job: asks whole database or a
 * QuerySet (and then the QuerySet's questions), runs the core with the job's
 * events, signal and prompter; the result line is the verdict (red when a
 * migration failed), and the report opens when it ends (`v` on the finished
 * job opens it again). A rehearsal that cannot run (a protected rehearsal
 * target, a failed copy) is the job's error.
 */
export function rehearseJob(tui: TuiServices, environment: string, reload?: () => void): void {
	tui.startJob({
		title: `Rehearse ${environment}`,
		async run({events, signal, prompter}) {
			const querySet = await pickQuerySet(prompter, tui, `Rehearse on a copy of all of ${environment}, or only of what a QuerySet picks?`);
			return rehearse({config: tui.config, environment, querySet, prompter, events, signal});
		},
		summary: report => ({text: report.verdict.line, tone: report.verdict.passed ? 'ok' : 'fail'}),
		view: report => tui.showReport(report),
		onSettled: reload,
	});
}
