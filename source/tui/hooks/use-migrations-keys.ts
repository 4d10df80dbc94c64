import type {TuiServices} from '../context.js';
import {migratePending, runOneMigration} from '../jobs/migrate-job.js';
import {rehearseJob} from '../jobs/rehearse-job.js';
import {rollbackJob} from '../jobs/rollback-job.js';
import {unlockJob} from '../jobs/unlock-job.js';
import type {Action} from '../keymap.js';
import {generateFromForm} from '../panels/migration-actions.js';
import {migrationDetails} from '../state/migration-rows.js';
import type {MigrationsState} from '../state/use-migrations-state.js';
import {useListKeys} from './use-list-keys.js';

/**
 * The Migrations panel's keys: the list's (move, `/`, `r`, esc) and its own
 * (←/→ environment, `x` matrix, enter details, `m` migrate, `o` run one,
 * `g` generate, `R` rehearse, `H` rehearsal history, `u` roll back, `U` unlock), each a call on the state or a job.
 */
export function useMigrationsKeys(state: MigrationsState, tui: TuiServices, isActive: boolean): void {
	const {name, environment, selected} = state;
	// biome-ignore lint/complexity/noExcessiveCognitiveComplexity: one case per migrations key; to become a table with the keymap
	const onAction = (action: Action) => {
		switch (action) {
			case 'refresh': {
				state.reload();
				tui.statuses.refresh(name);
				break;
			}

			case 'previous-environment': {
				state.cycleEnvironment(-1);
				break;
			}

			case 'next-environment': {
				state.cycleEnvironment(1);
				break;
			}

			case 'matrix': {
				state.toggleMatrix();
				break;
			}

			case 'details': {
				if (selected)
					tui.showModal({
						title: selected.key,
						tone: selected.state === 'Failed' ? 'error' : 'info',
						lines: migrationDetails(selected, name),
					});
				break;
			}

			case 'migrate-pending': {
				if (environment) migratePending(tui, environment, state.report.data?.pending, state.reload);
				break;
			}

			case 'run-one': {
				if (selected?.file === undefined) {
					if (selected) tui.toast(`${selected.key} has no file left to run`, 'error');
				} else if (environment) {
					runOneMigration(tui, environment, selected.key, selected.state, state.reload);
				}
				break;
			}

			case 'rehearse': {
				if (name) rehearseJob(tui, name, state.reload);
				break;
			}

			case 'generate': {
				void generateFromForm(tui, state.reload);
				break;
			}

			case 'rehearsal-history': {
				if (name) tui.showHistory(name);
				break;
			}

			case 'rollback': {
				if (environment) rollbackJob(tui, name, state.reload);
				break;
			}

			case 'unlock': {
				if (environment) void unlockJob(tui, name, state.reload);
				break;
			}

			default:
		}
	};

	useListKeys({
		isActive,
		list: state.list,
		dispatch: state.dispatch,
		count: state.rows.length,
		scopes: ['migrations'],
		onAction,
		setInputFocus: tui.setInputFocus,
	});
}
