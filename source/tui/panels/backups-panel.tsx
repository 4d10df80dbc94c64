import {Box, Text} from 'ink';
import {useState} from 'react';
import {counted} from '../../core/plural.js';
import {FilterLine} from '../components/filter-line.js';
import {LoadError} from '../components/load-error.js';
import {TableHeader} from '../components/table-header.js';
import {type Column, layoutColumns, tableLine} from '../components/text.js';
import {useTui} from '../context.js';
import {useAsync} from '../hooks/use-async.js';
import {useListKeys} from '../hooks/use-list-keys.js';
import {newBackup} from '../jobs/backup-job.js';
import type {Action} from '../keymap.js';
import {backupCells, backupDetails, backupFilterText} from '../state/backup-rows.js';
import {applyFilter, scrollOffset, useListState} from '../state/use-list-state.js';
import {restoreBackup} from './backups-actions.js';
import type {PanelProps} from './types.js';

const columns: Column[] = [
	{title: 'BACKUP', width: 16, grow: true},
	{title: 'SIZE', width: 8},
	{title: 'FROM', width: 11},
	{title: 'DATE', width: 11},
	{title: 'QUERYSET', width: 11},
	{title: 'STATE', width: 10},
];

/**
 * Panel 3: every backup of every configured store, newest first. Enter
 * restores the selected one into an environment (picked in a select, then
 * confirmed); `n` takes a new backup. A store that cannot be listed is a
 * warning line, not a failure.
 */
export function BackupsPanel({width, height, isActive}: PanelProps) {
	const tui = useTui();
	const [generation, setGeneration] = useState(0);
	const catalogue = useAsync(
		async () => (await import('../../core/backups/index.js')).listBackups(tui.config),
		`${generation}:${tui.jobsSettled}`,
	);
	const [list, dispatch] = useListState();
	const backups = applyFilter(catalogue.data?.backups ?? [], list.filter, backupFilterText);
	const selected = backups[list.index];
	const warnings = catalogue.data?.warnings ?? [];
	const reload = () => setGeneration(value => value + 1);

	const onAction = (action: Action) => {
		if (action === 'refresh') reload();
		else if (action === 'restore' && selected) restoreBackup(tui, selected, reload);
		else if (action === 'new-backup') newBackup(tui, {askName: true}, reload);
	};

	useListKeys({isActive, list, dispatch, count: backups.length, scopes: ['backups'], onAction, setInputFocus: tui.setInputFocus});

	const widths = layoutColumns(columns, width - 2);
	const today = tui.now();
	const detailRows = 3;
	const warningRows = Math.min(2, warnings.length);
	const filterRows = list.filtering || list.filter !== '' ? 1 : 0;
	const rows = Math.max(1, height - 2 - detailRows - warningRows - filterRows - 1);
	const offset = scrollOffset(list.index, backups.length, rows);
	const total = catalogue.data?.backups.length ?? 0;
	const summary = catalogue.data
		? `${counted(total, 'backup')}${list.filter ? `, ${backups.length} shown` : ''}`
		: catalogue.loading
			? 'reading the stores…'
			: '';
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text wrap="truncate">
				<Text dimColor>backups </Text>
				<Text>{summary}</Text>
				{catalogue.loading && catalogue.data ? <Text dimColor>{'  (reading…)'}</Text> : null}
			</Text>
			<FilterLine filter={list.filter} filtering={list.filtering} onChange={filter => dispatch({type: 'set-filter', filter})} />
			{warnings.slice(0, warningRows).map(warning => (
				<Text key={warning} color="yellow" wrap="truncate">
					! {warning}
				</Text>
			))}
			{catalogue.error ? (
				<LoadError error={catalogue.error} hint="r tries again" height={rows + 1} />
			) : (
				<>
					<TableHeader columns={columns} widths={widths} />
					<Box flexDirection="column" height={rows}>
						{catalogue.data && backups.length === 0 ? (
							<Text dimColor>
								{'  '}
								{list.filter ? `no backup matches "${list.filter}"` : 'no backups yet: n takes one'}
							</Text>
						) : null}
						{backups.slice(offset, offset + rows).map((entry, index) => {
							const isSelected = offset + index === list.index;
							const incomplete = entry.state === 'incomplete';
							return (
								<Text
									key={`${entry.location}:${entry.archive}`}
									inverse={isSelected && isActive}
									bold={isSelected}
									dimColor={incomplete}
									wrap="truncate"
								>
									{isSelected ? '› ' : '  '}
									{tableLine(backupCells(entry, today).slice(0, 5), widths.slice(0, 5))}{' '}
									<Text color={incomplete ? 'yellow' : 'green'}>{backupCells(entry, today)[5]}</Text>
								</Text>
							);
						})}
					</Box>
				</>
			)}
			<Box flexDirection="column" height={detailRows}>
				{selected
					? backupDetails(selected).map((line, index) => (
							<Text
								key={String(index)}
								wrap="truncate"
								dimColor={index === 0}
								color={selected.state === 'incomplete' && index === 1 ? 'yellow' : undefined}
							>
								{line}
							</Text>
						))
					: null}
			</Box>
		</Box>
	);
}
