import type {TuiServices} from '../context.js';
import type {Action} from '../keymap.js';
import {rollbackJob} from '../jobs/rollback-job.js';
import {unlockJob} from '../jobs/unlock-job.js';
import {generateFromForm, migratePending, runOneMigration} from '../panels/migration-actions.js';
import {migrationDetails} from '../state/migration-rows.js';
import type {MigrationsState} from '../state/use-migrations-state.js';
import {useListKeys} from './use-list-keys.js';

/**
 * The Migrations panel's keys: the list's (move, `/`, `r`, esc) and its own
 * (←/→ environment, `x` matrix, enter details, `m` migrate, `o` run one,
 * `g` generate, `u` roll back, `U` unlock), each a call on the state or a job.
 */
export function useMigrationsKeys(state: MigrationsState, tui: TuiServices, isActive: boolean): void {
	const {name, environment, selected} = state;
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
				if (selected) tui.showModal({title: selected.key, tone: selected.state === 'Failed' ? 'error' : 'info', lines: migrationDetails(selected, name)});
				break;
			}

			case 'migrate-pending': {
				migratePending(tui, name, state.report.data?.pending, state.reload);
				break;
			}

			case 'run-one': {
				if (selected && environment) runOneMigration(tui, environment, selected, state.reload);
				break;
			}

			case 'generate': {
				void generateFromForm(tui, state.reload);
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

	useListKeys({isActive, list: state.list, dispatch: state.dispatch, count: state.rows.length, scopes: ['migrations'], onAction, setInputFocus: tui.setInputFocus});
}
