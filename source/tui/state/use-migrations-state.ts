import {type Dispatch, useState} from 'react';
import type {Environment, MigrationMatrix} from '../../core/environments/index.js';
import type {MigrationsReport} from '../../core/migrations/index.js';
import type {TuiServices} from '../context.js';
import {type AsyncState, useAsync} from '../hooks/use-async.js';
import {type MigrationRow, migrationRows} from './migration-rows.js';
import {applyFilter, type ListAction, type ListState, useListState} from './use-list-state.js';

/** What the Migrations panel shows and the calls that change it. */
export type MigrationsState = {
	/** The environment shown: the app's, or the first configured. */
	environment: Environment | undefined;
	/** Its name ('' with no environment). */
	name: string;
	/** Its migrations and orphans, read in the background. */
	report: AsyncState<MigrationsReport>;
	/** Every environment's migrations, read only while the matrix is shown. */
	matrix: AsyncState<MigrationMatrix | undefined>;
	matrixMode: boolean;
	list: ListState;
	dispatch: Dispatch<ListAction>;
	/** The report's rows through the `/` filter. */
	rows: MigrationRow[];
	selected: MigrationRow | undefined;
	/** Reads the list (and the matrix, when shown) again. */
	reload: () => void;
	/** Shows the environment `delta` places along the configured ones (round), from its first row. */
	cycleEnvironment: (delta: number) => void;
	toggleMatrix: () => void;
};

/** The environment `delta` places after the one named `name`, round the list (the first when `name` is not there). */
export function environmentAfter<T extends {name: string}>(environments: T[], name: string, delta: number): T | undefined {
	const count = environments.length;
	if (count === 0) return undefined;
	const index = Math.max(
		0,
		environments.findIndex(candidate => candidate.name === name),
	);
	return environments[(((index + delta) % count) + count) % count];
}

/**
 * The Migrations panel's state: which environment, its migrations and the
 * matrix (each a background load that a reload or another environment
 * starts again), the list's selection and filter. Keys live in
 * useMigrationsKeys, drawing in MigrationsPanel.
 */
export function useMigrationsState(
	tui: Pick<TuiServices, 'config' | 'environment' | 'selectEnvironment' | 'jobsSettled'>,
): MigrationsState {
	const {config} = tui;
	const environment = config.environments.find(candidate => candidate.name === tui.environment) ?? config.environments[0];
	const name = environment?.name ?? '';
	const [matrixMode, setMatrixMode] = useState(false);
	const [generation, setGeneration] = useState(0);
	const report = useAsync(
		async () => (await import('../../core/migrations/index.js')).listMigrations(config, name),
		`${name}:${generation}:${tui.jobsSettled}`,
	);
	const matrix = useAsync(
		async () => (matrixMode ? (await import('../../core/environments/index.js')).migrationMatrix(config) : undefined),
		`${matrixMode}:${generation}:${tui.jobsSettled}`,
	);
	const [list, dispatch] = useListState();
	const rows = report.data ? applyFilter(migrationRows(report.data), list.filter, row => `${row.key} ${row.state}`) : [];

	const cycleEnvironment = (delta: number) => {
		const next = environmentAfter(config.environments, name, delta);
		if (next) {
			tui.selectEnvironment(next.name);
			dispatch({type: 'select', index: 0});
		}
	};

	return {
		environment,
		name,
		report,
		matrix,
		matrixMode,
		list,
		dispatch,
		rows,
		selected: rows[list.index],
		reload: () => setGeneration(value => value + 1),
		cycleEnvironment,
		toggleMatrix: () => setMatrixMode(value => !value),
	};
}
