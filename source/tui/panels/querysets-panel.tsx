import path from 'node:path';
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
import type {Action} from '../keymap.js';
import {applyFilter, scrollOffset, useListState} from '../state/use-list-state.js';
import {runQuerySet} from './querysets-actions.js';
import type {PanelProps} from './types.js';

const columns: Column[] = [
	{title: 'QUERYSET', width: 22},
	{title: 'PARAMS', width: 20},
	{title: 'FILE', width: 16, grow: true},
];

/**
 * Panel 4: the project's QuerySets with the `--param` keys they ask for.
 * Enter runs the selected one into a backup or a copy; its questions appear
 * as forms, and esc on any of them cancels the job with nothing written.
 */
export function QuerySetsPanel({width, height, isActive}: PanelProps) {
	const tui = useTui();
	const [generation, setGeneration] = useState(0);
	const found = useAsync(async () => (await import('../../core/querysets/index.js')).listQuerySets(tui.config), String(generation));
	const [list, dispatch] = useListState();
	const querySets = applyFilter(
		found.data ?? [],
		list.filter,
		querySet => `${querySet.name} ${path.basename(querySet.file)} ${querySet.params.join(' ')}`,
	);
	const selected = querySets[list.index];

	const onAction = (action: Action) => {
		if (action === 'refresh') setGeneration(value => value + 1);
		else if (action === 'run-queryset' && selected) void runQuerySet(tui, selected);
	};

	useListKeys({isActive, list, dispatch, count: querySets.length, scopes: ['querysets'], onAction, setInputFocus: tui.setInputFocus});

	const widths = layoutColumns(columns, width - 2);
	const filterRows = list.filtering || list.filter !== '' ? 1 : 0;
	const rows = Math.max(1, height - 4 - filterRows);
	const offset = scrollOffset(list.index, querySets.length, rows);
	const count = found.data?.length ?? 0;
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text wrap="truncate">
				<Text dimColor>querysets </Text>
				<Text>
					{found.data
						? `${counted(count, 'QuerySet')} in ${path.relative(tui.config.root, tui.config.querysetsDir) || '.'}/`
						: found.loading
							? 'reading…'
							: ''}
				</Text>
			</Text>
			<FilterLine filter={list.filter} filtering={list.filtering} onChange={filter => dispatch({type: 'set-filter', filter})} />
			{found.error ? (
				<LoadError error={found.error} hint="fix the file, then r reads them again" />
			) : (
				<>
					<TableHeader columns={columns} widths={widths} />
					<Box flexDirection="column" height={rows}>
						{found.data && querySets.length === 0 ? (
							<Text dimColor>
								{'  '}
								{list.filter ? `no QuerySet matches "${list.filter}"` : 'no QuerySets yet: monarch generate_query_set <name> writes one'}
							</Text>
						) : null}
						{querySets.slice(offset, offset + rows).map((querySet, index) => {
							const isSelected = offset + index === list.index;
							const cells = [querySet.name, querySet.params.join(', ') || '-', path.relative(tui.config.root, querySet.file)];
							return (
								<Text key={querySet.file} inverse={isSelected && isActive} bold={isSelected} wrap="truncate">
									{isSelected ? '› ' : '  '}
									{tableLine(cells, widths)}
								</Text>
							);
						})}
					</Box>
				</>
			)}
			<Text dimColor wrap="truncate">
				{selected ? `enter: back up or copy what ${selected.name} picks` : ' '}
			</Text>
		</Box>
	);
}
