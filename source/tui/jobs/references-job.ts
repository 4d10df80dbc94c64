import {referenceLines, referencesSummary} from '../../core/subset/index.js';
import type {TuiServices} from '../context.js';
import {referencesSuggestLine} from './command-line.js';

/**
 * `monarch references suggest <env>` as a job (`:references suggest <env>`),
 * read-only: reads each collection's sample, looks the candidates' values up,
 * and shows what it proposes in a message (again on `v`). Writing them is the
 * CLI's `--write`, which the message's last lines name.
 */
export function referencesJob(tui: TuiServices, environment: string): void {
	tui.startJob({
		title: `Suggest references in ${environment}`,
		command: referencesSuggestLine(environment),
		async run({events, signal}) {
			const {suggestReferences} = await import('../../core/subset/index.js');
			return suggestReferences({config: tui.config, environment, events, signal});
		},
		summary: result => referencesSummary(result)[0]!,
		view(result) {
			tui.showModal({title: `References in ${environment}`, tone: 'info', lines: referenceLines(result)});
		},
	});
}
