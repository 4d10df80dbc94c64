import {Box, Text} from 'ink';
import {useState} from 'react';
import {listMigrations} from '../../core/migrations/list.js';
import {migrationMatrix} from '../../core/migration-matrix.js';
import {FilterLine} from '../components/filter-line.js';
import {fit, layoutColumns, tableLine, type Column} from '../components/text.js';
import {useTui} from '../context.js';
import {useAsync} from '../hooks/use-async.js';
import {useListKeys} from '../hooks/use-list-keys.js';
import type {Action} from '../keymap.js';
import {matrixLines, migrationCells, migrationDetails, migrationRows} from '../state/migration-rows.js';
import {applyFilter, scrollOffset, useListState} from '../state/use-list-state.js';
import {generateFromForm, migratePending, runOneMigration} from './migration-actions.js';
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
 * and orphan marks) or the migrations x environments matrix. Runs pending
 * migrations or one migration as jobs, shows a failure's stack, generates new ones.
 */
export function MigrationsPanel({width, height, isActive}: PanelProps) {
	const tui = useTui();
	const {config} = tui;
	const environment = config.environments.find(candidate => candidate.name === tui.environment) ?? config.environments[0];
	const name = environment?.name ?? '';
	const [matrixMode, setMatrixMode] = useState(false);
	const [generation, setGeneration] = useState(0);
	const report = useAsync(async () => listMigrations(config, name), `${name}:${generation}`);
	const matrix = useAsync(async () => (matrixMode ? migrationMatrix(config) : undefined), `${matrixMode}:${generation}`);
	const [list, dispatch] = useListState();
	const rows = report.data ? applyFilter(migrationRows(report.data), list.filter, row => `${row.key} ${row.state}`) : [];
	const selected = rows[list.index];
	const reload = () => setGeneration(value => value + 1);

	const cycle = (delta: number) => {
		const index = config.environments.findIndex(candidate => candidate.name === name);
		const next = config.environments[(index + delta + config.environments.length) % config.environments.length];
		if (next) {
			tui.selectEnvironment(next.name);
			dispatch({type: 'select', index: 0});
		}
	};

	const onAction = (action: Action) => {
		switch (action) {
			case 'refresh': {
				reload();
				tui.statuses.refresh(name);
				break;
			}

			case 'previous-environment': {
				cycle(-1);
				break;
			}

			case 'next-environment': {
				cycle(1);
				break;
			}

			case 'matrix': {
				setMatrixMode(value => !value);
				break;
			}

			case 'details': {
				if (selected) tui.showModal({title: `${selected.key}`, tone: selected.state === 'Failed' ? 'error' : 'info', lines: migrationDetails(selected, name)});
				break;
			}

			case 'migrate-pending': {
				migratePending(tui, name, report.data?.pending, reload);
				break;
			}

			case 'run-one': {
				if (selected && environment) runOneMigration(tui, environment, selected, reload);
				break;
			}

			case 'generate': {
				void generateFromForm(tui, reload);
				break;
			}

			default:
		}
	};

	useListKeys({isActive, list, dispatch, count: rows.length, scopes: ['migrations'], onAction, setInputFocus: tui.setInputFocus});

	const filterRows = list.filtering || list.filter !== '' ? 1 : 0;
	const bodyRows = Math.max(1, height - 3 - filterRows);
	const summary = report.data
		? `${report.data.migrations.length} migrations, ${report.data.pending} pending${report.data.orphans.length > 0 ? `, ${report.data.orphans.length} file gone` : ''}`
		: report.loading
			? 'reading…'
			: '';
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Box height={1} overflow="hidden">
				<Text dimColor>environment </Text>
				<Text color="cyan">◂ </Text>
				<Text bold color={environment?.protected ? 'red' : 'green'}>{name}</Text>
				<Text color="cyan"> ▸</Text>
				<Text dimColor>  {environment?.database}  </Text>
				<Text>{summary}</Text>
			</Box>
			<FilterLine filter={list.filter} filtering={list.filtering} onChange={filter => dispatch({type: 'set-filter', filter})} />
			{matrixMode ? <MatrixView matrix={matrix} width={width} rows={bodyRows + 1} /> : renderList()}
		</Box>
	);

	function renderList() {
		const today = tui.now();
		const marksWidth = Math.max(0, ...rows.map(row => row.marks.join(', ').length));
		const columns = marksWidth === 0 ? columnsFor(0).slice(0, 4) : columnsFor(Math.max(5, marksWidth));
		const widths = layoutColumns(columns, width - 2);
		if (report.error) {
			return (
				<Box flexDirection="column">
					<Text color="red" wrap="wrap">✘ {report.error}</Text>
					<Text dimColor>r tries again; ←/→ picks another environment</Text>
				</Box>
			);
		}

		const offset = scrollOffset(list.index, rows.length, bodyRows);
		return (
			<Box flexDirection="column">
				<Text bold dimColor wrap="truncate">{`  ${tableLine(columns.map(column => column.title), widths)}`}</Text>
				<Box flexDirection="column" height={bodyRows}>
					{report.data && rows.length === 0 ? <Text dimColor>  {list.filter ? `no migration matches "${list.filter}"` : 'no migrations yet: g generates one'}</Text> : null}
					{rows.slice(offset, offset + bodyRows).map((row, index) => {
						const isSelected = offset + index === list.index;
						const cells = migrationCells(row, today);
						return (
							<Text key={row.key} inverse={isSelected && isActive} bold={isSelected} wrap="truncate">
								{isSelected ? '› ' : '  '}
								<Text color={stateColors[row.state]}>{fit(cells[0] ?? '', widths[0] ?? 0)}</Text> {tableLine(cells.slice(1, 4), widths.slice(1, 4))}
								{marksWidth > 0 ? <Text color="yellow"> {fit(cells[4] ?? '', widths[4] ?? 0)}</Text> : null}
							</Text>
						);
					})}
				</Box>
			</Box>
		);
	}
}

function MatrixView({matrix, width, rows}: {matrix: ReturnType<typeof useAsync<Awaited<ReturnType<typeof migrationMatrix>> | undefined>>; width: number; rows: number}) {
	if (matrix.error) return <Text color="red">✘ {matrix.error}</Text>;
	if (!matrix.data) return <Text dimColor>reading every environment…</Text>;
	const environments = matrix.data.columns.length;
	const cellWidth = Math.max(3, Math.min(12, Math.floor((width - 30) / Math.max(1, environments)) - 1));
	const keyWidth = Math.max(12, Math.min(48, width - environments * (cellWidth + 1) - 2));
	const {header, rows: lines} = matrixLines(matrix.data, keyWidth, cellWidth);
	const errors = matrix.data.columns.filter(column => column.error !== undefined);
	const bodyRows = Math.max(1, rows - 2 - errors.length);
	return (
		<Box flexDirection="column">
			<Text bold dimColor wrap="truncate">{header}</Text>
			{lines.slice(0, bodyRows).map(line => (
				<Text key={line.key} wrap="truncate">
					{fit(line.key, keyWidth)} {line.cells.join(' ')}
				</Text>
			))}
			{lines.length > bodyRows ? <Text dimColor>… {lines.length - bodyRows} more</Text> : null}
			{errors.map(column => (
				<Text key={column.environment} color="red" wrap="truncate">? {column.environment}: {column.error}</Text>
			))}
			<Text dimColor>✔ completed  ✘ failed  ⋯ processing  · new  ? unreadable</Text>
		</Box>
	);
}
