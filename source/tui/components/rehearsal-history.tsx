import {Box, Text} from 'ink';
import {useReducer} from 'react';
import {counted} from '../../core/plural.js';
import {useTui} from '../context.js';
import {useHistoryKeys} from '../hooks/use-history-keys.js';
import {useRehearsalHistory} from '../hooks/use-rehearsal-history.js';
import {listRehearsalsLine} from '../jobs/command-line.js';
import {historyCells, historyColumns, historyCursorReducer, historyDetail} from '../state/rehearsal-history.js';
import {scrollOffset} from '../state/use-list-state.js';
import {LoadError} from './load-error.js';
import {TableHeader} from './table-header.js';
import {clip, fit, layoutColumns, tableLine} from './text.js';

export type RehearsalHistoryProps = {
	environment: string;
	width: number;
	/** Rows it may take (the app gives the panel's). */
	height: number;
	onClose: () => void;
	isActive: boolean;
};

/**
 * `H` on the Migrations panel (`:list_rehearsals`): the environment's stored
 * rehearsals, newest first (when, QuerySet, scrubbed, pending count, verdict;
 * the selected one's id, who ran it and monarch's version under the list), a
 * line for each report skipped or store not listed (three at most), and the CLI line
 * that lists the same; enter opens the selected one in the report view `R`
 * shows. Read again on `r` and whenever a job ends. Never taller than
 * `height` nor wider than `width`.
 */
export function RehearsalHistoryView({environment, width, height, onClose, isActive}: RehearsalHistoryProps) {
	const tui = useTui();
	const history = useRehearsalHistory(tui.config, environment, tui.jobsSettled);
	const rehearsals = history.rehearsals ?? [];
	const [cursor, dispatch] = useReducer(historyCursorReducer, 0);
	const index = Math.min(cursor, Math.max(0, rehearsals.length - 1));
	const warningRows = history.warnings.slice(0, 3);
	const bodyRows = Math.max(1, height - 5 - warningRows.length);
	useHistoryKeys({
		move: action => dispatch({...action, count: rehearsals.length, rows: bodyRows}),
		onOpen() {
			const selected = rehearsals[index];
			if (selected) tui.showReport(selected.report);
		},
		onRefresh: history.reload,
		onClose,
		isActive,
	});

	const selectedEntry = rehearsals[index];
	const widths = layoutColumns(historyColumns, width - 2);
	const offset = scrollOffset(index, rehearsals.length, bodyRows);
	const count = history.rehearsals ? counted(rehearsals.length, 'rehearsal') : '';
	const status = history.loading ? 'reading…' : count;
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Text wrap="truncate">
				<Text bold>{fit(`Rehearsals of ${environment}`, width - status.length)}</Text>
				<Text dimColor>{status}</Text>
			</Text>
			<Text dimColor wrap="truncate">
				{clip(`$ ${listRehearsalsLine(environment)}`, width)}
			</Text>
			{warningRows.map(warning => (
				<Text key={warning} color="yellow" wrap="truncate">
					{clip(`⚠ ${warning}`, width)}
				</Text>
			))}
			{history.error ? (
				<LoadError error={history.error} hint="r reads again" />
			) : (
				<Box flexDirection="column">
					<TableHeader columns={historyColumns} widths={widths} />
					{history.rehearsals && rehearsals.length === 0 ? (
						<Text dimColor>{`  no rehearsal of ${environment} stored yet: R in the Migrations panel runs one`}</Text>
					) : null}
					{rehearsals.slice(offset, offset + bodyRows).map((entry, row) => {
						const selected = offset + row === index;
						const {cells, passed} = historyCells(entry);
						return (
							<Text key={entry.id} inverse={selected && isActive} bold={selected} wrap="truncate">
								{selected ? '› ' : '  '}
								{tableLine(cells.slice(0, 4), widths.slice(0, 4))}{' '}
								<Text color={passed ? 'green' : 'red'}>{fit(cells[4] ?? '', widths[4] ?? 0)}</Text>
							</Text>
						);
					})}
					{selectedEntry ? (
						<Text dimColor wrap="truncate">
							{clip(`  ${historyDetail(selectedEntry)}`, width)}
						</Text>
					) : null}
				</Box>
			)}
		</Box>
	);
}
