import {Box, Text} from 'ink';
import {useEffect, useRef} from 'react';
import type {Environment} from '../../core/environments/index.js';
import {formatBytes} from '../../core/format.js';
import {counted} from '../../core/plural.js';
import {FilterLine} from '../components/filter-line.js';
import {describeStatus} from '../components/status-bar.js';
import {TableHeader} from '../components/table-header.js';
import {type Column, layoutColumns, tableLine} from '../components/text.js';
import {useTui} from '../context.js';
import type {StatusEntry} from '../hooks/use-environment-statuses.js';
import {useListKeys} from '../hooks/use-list-keys.js';
import {usePrivacyCounts} from '../hooks/use-privacy-counts.js';
import type {Action} from '../keymap.js';
import {privacyCountsLine} from '../state/privacy-lines.js';
import type {Span} from '../state/rehearsal-report-lines.js';
import {applyFilter, scrollOffset, useListState} from '../state/use-list-state.js';
import {environmentActions} from './environment-actions.js';
import type {PanelProps} from './types.js';

const columns: Column[] = [
	{title: 'NAME', width: 12},
	{title: 'HOST', width: 12, grow: true},
	{title: 'DATABASE', width: 16},
	{title: 'PROT', width: 4},
	{title: 'STATUS', width: 10},
	{title: 'COLLS', width: 5},
	{title: 'SIZE', width: 8},
];

/** The cells of one environment's row. */
export function environmentCells(environment: Environment, status: StatusEntry | undefined): string[] {
	const reachable = status && !status.checking && status.reachable ? status : undefined;
	const shown = describeStatus(status);
	const state =
		status === undefined || status.checking
			? 'checking…'
			: reachable
				? `up ${Math.max(1, Math.round(reachable.latencyMs))} ms`
				: shown.text === 'unreachable'
					? 'down'
					: shown.text;
	return [
		environment.name,
		environment.hosts.join(',') || environment.displayUri,
		environment.database,
		environment.protected ? 'yes' : 'no',
		state,
		reachable ? String(reachable.collections) : '-',
		reachable ? formatBytes(reachable.dataSize) : '-',
	];
}

/**
 * Panel 1: every environment with host, database, protection and what the
 * background ping found. Enter opens its migrations; `d` drops its database.
 * A personal-data environment's details end with its privacy line: how many
 * sampled paths monarch.json classifies (usePrivacyCounts); `P` opens its
 * privacy view.
 */
export function EnvironmentsPanel({width, height, isActive}: PanelProps) {
	const tui = useTui();
	const [list, dispatch] = useListState();
	const environments = applyFilter(
		tui.config.environments,
		list.filter,
		environment => `${environment.name} ${environment.database} ${environment.hosts.join(',')}`,
	);
	const selected = environments[list.index];

	const placed = useRef(false);
	useEffect(() => {
		if (placed.current) return;
		placed.current = true;
		const index = tui.config.environments.findIndex(environment => environment.name === tui.environment);
		if (index > 0) dispatch({type: 'select', index});
	}, [dispatch, tui.config.environments, tui.environment]);
	useEffect(() => {
		if (selected && isActive) tui.selectEnvironment(selected.name);
	}, [selected?.name, isActive]);

	const privacy = usePrivacyCounts(tui.config, tui.jobsSettled);
	const onAction = (action: Action) => {
		if (action === 'refresh') {
			tui.statuses.refresh();
			privacy.refresh();
		}

		const known = environmentActions.find(candidate => candidate.action === action);
		if (selected && known) known.run(selected, tui);
	};

	useListKeys({isActive, list, dispatch, count: environments.length, scopes: ['environments'], onAction, setInputFocus: tui.setInputFocus});

	const widths = layoutColumns(columns, width - 2);
	const detailRows = tui.config.environments.some(environment => environment.personalData) ? 4 : 3;
	const filterRows = list.filtering || list.filter !== '' ? 1 : 0;
	const rows = Math.max(1, height - 1 - detailRows - filterRows - 1);
	const offset = scrollOffset(list.index, environments.length, rows);
	const status = selected ? tui.statuses.get(selected.name) : undefined;
	return (
		<Box flexDirection="column" width={width} height={height}>
			<FilterLine filter={list.filter} filtering={list.filtering} onChange={filter => dispatch({type: 'set-filter', filter})} />
			<TableHeader columns={columns} widths={widths} />
			<Box flexDirection="column" height={rows}>
				{environments.length === 0 ? (
					<Text dimColor>
						{'  no environment matches "'}
						{list.filter}
						{'"'}
					</Text>
				) : null}
				{environments.slice(offset, offset + rows).map((environment, index) => {
					const isSelected = offset + index === list.index;
					const cells = environmentCells(environment, tui.statuses.get(environment.name));
					const entry = tui.statuses.get(environment.name);
					const down = entry !== undefined && !entry.checking && !entry.reachable;
					return (
						<Text key={environment.name} inverse={isSelected && isActive} bold={isSelected} wrap="truncate">
							<Text color={environment.protected ? 'red' : undefined}>{isSelected ? '› ' : '  '}</Text>
							<Text color={environment.protected ? 'red' : undefined}>{tableLine(cells.slice(0, 4), widths.slice(0, 4))} </Text>
							<Text color={down ? 'red' : undefined}>{tableLine(cells.slice(4), widths.slice(4))}</Text>
						</Text>
					);
				})}
			</Box>
			<Box flexDirection="column" height={detailRows}>
				{selected ? <EnvironmentDetails environment={selected} status={status} /> : null}
				{selected?.personalData ? <PrivacyLine span={privacyCountsLine(privacy.get(selected.name))} /> : null}
			</Box>
		</Box>
	);
}

function PrivacyLine({span}: {span: Span}) {
	return (
		<Text wrap="truncate" color={span.color} dimColor={span.dim}>
			{span.text}
		</Text>
	);
}

function EnvironmentDetails({environment, status}: {environment: Environment; status: StatusEntry | undefined}) {
	let state = 'checking…';
	if (status && !status.checking) {
		state = status.reachable
			? `reachable, ping ${Math.max(1, Math.round(status.latencyMs))} ms, ${counted(status.collections, 'collection')}, ${formatBytes(status.dataSize)} of data`
			: `unreachable: ${status.error}`;
	}

	return (
		<>
			<Text wrap="truncate">
				<Text bold>{environment.name}</Text>
				<Text dimColor>
					{' '}
					{environment.displayUri} → {environment.database}
				</Text>
			</Text>
			<Text wrap="truncate" color={environment.protected ? 'red' : 'green'}>
				{environment.protected ? `protected (${environment.protectionReason}): actions ask you to type its name` : 'not protected'}
				{environment.description ? <Text dimColor> · {environment.description}</Text> : null}
			</Text>
			<Text wrap="truncate" color={status && !status.checking && !status.reachable ? 'red' : undefined}>
				{state}
			</Text>
		</>
	);
}
