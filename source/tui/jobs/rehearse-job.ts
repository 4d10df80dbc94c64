import type {SubsetRequest} from '../../core/subset/index.js';
import type {TuiServices} from '../context.js';
import {rehearseLine} from './command-line.js';
import {pickQuerySet} from './pick-query-set.js';

/* Started by the Migrations panel's `R` (and any other way into a rehearsal): panels import jobs from source/tui/jobs/. */

/**
 * `monarch rehearse <environment>` as a job: asks whole database or a
 * QuerySet (unless `options.querySet` says: a name, or null for the whole database) (and then the QuerySet's questions), runs the core with the job's
 * events, signal and prompter; the result line is the verdict (red when a
 * migration failed), and the report opens when it ends (`v` on the finished
 * job opens it again). A rehearsal that cannot run (a protected rehearsal
 * target, a failed copy) is the job's error.
 */
export function rehearseJob(
	tui: TuiServices,
	environment: string,
	reload?: () => void,
	options: {querySet?: string | null; subset?: SubsetRequest | undefined} = {},
): void {
	tui.startJob({
		title: `Rehearse ${environment}`,
		async run({events, signal, prompter, setCommand}) {
			const querySet =
				options.querySet === undefined
					? await pickQuerySet(prompter, tui, `Rehearse on a copy of all of ${environment}, or only of what a QuerySet picks?`)
					: (options.querySet ?? undefined);
			const {subset} = options;
			setCommand(rehearseLine({environment, querySet, subset}));
			const {rehearse} = await import('../../core/rehearse/index.js');
			const report = await rehearse({config: tui.config, environment, querySet, subset, prompter, events, signal});
			if (report.querySet)
				setCommand(rehearseLine({environment, querySet: report.querySet.name, answers: report.querySet.answers, subset}));
			return report;
		},
		summary: report => ({text: report.verdict.line, tone: report.verdict.passed ? 'ok' : 'fail'}),
		view: report => tui.showReport(report),
		onSettled: reload,
	});
}
