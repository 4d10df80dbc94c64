import {Box, Text} from 'ink';
import type {MigrationMatrix as Matrix} from '../../core/environments/index.js';
import type {AsyncState} from '../hooks/use-async.js';
import {matrixLines} from '../state/migration-rows.js';
import {fit} from './text.js';

/** The migrations x environments matrix (`x` in the Migrations panel), cut to `rows`; an environment that cannot be read is a red line. */
export function MigrationMatrix({matrix, width, rows}: {matrix: AsyncState<Matrix | undefined>; width: number; rows: number}) {
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
			<Text bold dimColor wrap="truncate">
				{header}
			</Text>
			{lines.slice(0, bodyRows).map(line => (
				<Text key={line.key} wrap="truncate">
					{fit(line.key, keyWidth)} {line.cells.join(' ')}
				</Text>
			))}
			{lines.length > bodyRows ? <Text dimColor>… {lines.length - bodyRows} more</Text> : null}
			{errors.map(column => (
				<Text key={column.environment} color="red" wrap="truncate">
					? {column.environment}: {column.error}
				</Text>
			))}
			<Text dimColor>{'✔ completed  ✘ failed  ⋯ processing  · new  ? unreadable'}</Text>
		</Box>
	);
}
