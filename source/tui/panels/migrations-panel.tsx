import {Box, Text} from 'ink';
import {FilterLine} from '../components/filter-line.js';
import {LoadError} from '../components/load-error.js';
import {MigrationMatrix} from '../components/migration-matrix.js';
import {MigrationsHeader} from '../components/migrations-header.js';
import {TableHeader} from '../components/table-header.js';
import {type Column, fit, layoutColumns, tableLine} from '../components/text.js';
import {useTui} from '../context.js';
import {useMigrationsKeys} from '../hooks/use-migrations-keys.js';
import {migrationCells} from '../state/migration-rows.js';
import {scrollOffset} from '../state/use-list-state.js';
import {type MigrationsState, useMigrationsState} from '../state/use-migrations-state.js';
import type {PanelProps} from './types.js';

/** The list's columns; MARKS only takes room when a row has a mark. */
function columnsFor(marksWidth: number): Column[] {
	return [
		{title: 'STATE', width: 10},
		{title: 'MIGRATION', width: 20, grow: true},
		{title: 'FINISHED', width: 11},
		{title: 'DURATION', width: 8},
		{title: 'MARKS', width: marksWidth},
	];
}

const stateColors: Record<string, string | undefined> = {Completed: 'green', Failed: 'red', Processing: 'yellow', New: undefined};

/**
 * Panel 2: one environment's migrations (state, finished at, duration, drift
 * and orphan marks) or the migrations x environments matrix, under a header
 * naming the migrations lock's holder while one is held. Runs pending
 * migrations or one migration as jobs, shows a failure's stack, generates new
 * ones, rolls back, unlocks. The view only draws: state in useMigrationsState, keys in useMigrationsKeys.
 */
export function MigrationsPanel({width, height, isActive}: PanelProps) {
	const tui = useTui();
	const state = useMigrationsState(tui);
	useMigrationsKeys(state, tui, isActive);
	const {list} = state;

	const filterRows = list.filtering || list.filter !== '' ? 1 : 0;
	const lockRows = state.report.data?.lock ? 1 : 0;
	const bodyRows = Math.max(1, height - 3 - filterRows - lockRows);
	return (
		<Box flexDirection="column" width={width} height={height}>
			<MigrationsHeader state={state} width={width} />
			<FilterLine filter={list.filter} filtering={list.filtering} onChange={filter => state.dispatch({type: 'set-filter', filter})} />
			{state.matrixMode ? (
				<MigrationMatrix matrix={state.matrix} width={width} rows={bodyRows + 1} />
			) : (
				<MigrationList state={state} today={tui.now()} width={width} rows={bodyRows} isActive={isActive} />
			)}
		</Box>
	);
}

function MigrationList({
	state,
	today,
	width,
	rows: bodyRows,
	isActive,
}: {
	state: MigrationsState;
	today: Date;
	width: number;
	rows: number;
	isActive: boolean;
}) {
	const {report, rows, list} = state;
	if (report.error) {
		return <LoadError error={report.error} hint="r tries again; ←/→ picks another environment" />;
	}

	const marksWidth = Math.max(0, ...rows.map(row => row.marks.join(', ').length));
	const columns = marksWidth === 0 ? columnsFor(0).slice(0, 4) : columnsFor(Math.max(5, marksWidth));
	const widths = layoutColumns(columns, width - 2);
	const offset = scrollOffset(list.index, rows.length, bodyRows);
	return (
		<Box flexDirection="column">
			<TableHeader columns={columns} widths={widths} />
			<Box flexDirection="column" height={bodyRows}>
				{report.data && rows.length === 0 ? (
					<Text dimColor>
						{'  '}
						{list.filter ? `no migration matches "${list.filter}"` : 'no migrations yet: g generates one'}
					</Text>
				) : null}
				{rows.slice(offset, offset + bodyRows).map((row, index) => {
					const isSelected = offset + index === list.index;
					const cells = migrationCells(row, today);
					return (
						<Text key={row.key} inverse={isSelected && isActive} bold={isSelected} wrap="truncate">
							{isSelected ? '› ' : '  '}
							<Text color={stateColors[row.state]}>{fit(cells[0] ?? '', widths[0] ?? 0)}</Text>{' '}
							{tableLine(cells.slice(1, 4), widths.slice(1, 4))}
							{marksWidth > 0 ? <Text color="yellow"> {fit(cells[4] ?? '', widths[4] ?? 0)}</Text> : null}
						</Text>
					);
				})}
			</Box>
		</Box>
	);
}
