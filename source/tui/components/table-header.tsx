import {Text} from 'ink';
import {type Column, tableLine} from './text.js';

/** A list panel's column titles, dim and bold, indented as the rows under it are (their two-column marker). */
export function TableHeader({columns, widths}: {columns: Column[]; widths: number[]}) {
	return (
		<Text bold dimColor wrap="truncate">{`  ${tableLine(
			columns.map(column => column.title),
			widths,
		)}`}</Text>
	);
}
