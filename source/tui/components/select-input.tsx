import {Box, Text} from 'ink';
import {useLayoutEffect, useRef, useState} from 'react';
import {useKeys} from '../hooks/use-keys.js';
import {actionFor} from '../keymap.js';

export type SelectItem = {key?: string; label: string; value: string};

export type SelectInputProps = {
	items: SelectItem[];
	initialIndex?: number;
	/** Rows shown at most; the window follows the selection. */
	limit?: number;
	onSelect: (item: SelectItem) => void;
};

/**
 * A pick-one list (what ink-select-input drew, on useKeys), keys from the keymap's
 * `select` and `form` scopes: ↑/k and ↓/j move
 * round the list, enter picks the selected item, 1-9 pick a shown item by
 * its place. Moves sent faster than the app draws all count, and enter picks
 * the item they reached (the selection is kept in a ref as well as drawn).
 */
export function SelectInput({items, initialIndex = 0, limit = items.length, onSelect}: SelectInputProps) {
	const start = Math.max(0, Math.min(items.length - 1, initialIndex));
	const [selected, setSelected] = useState(start);
	const latest = useRef(start);
	const shape = items.map(item => item.value).join('\n');
	const shapeRef = useRef(shape);
	useLayoutEffect(() => {
		// Other items: start again from the first, as ink-select-input did.
		if (shape === shapeRef.current) return;
		shapeRef.current = shape;
		latest.current = 0;
		setSelected(0);
	}, [shape]);

	const rows = Math.max(1, Math.min(limit, items.length));
	const windowStart = (index: number) => Math.max(0, Math.min(items.length - rows, index - rows + 1));
	useKeys((input, key) => {
		if (items.length === 0) return;
		const index = latest.current;
		const action = actionFor(['select', 'form'], input, key);
		if (action === 'up' || action === 'down') {
			const next = (index + (action === 'up' ? -1 : 1) + items.length) % items.length;
			latest.current = next;
			setSelected(next);
		} else if (action === 'pick') {
			const item = items[windowStart(index) + Number(input) - 1];
			if (item && Number(input) <= rows) onSelect(item);
		} else if (action === 'submit') {
			const item = items[index];
			if (item) onSelect(item);
		}
	});

	const first = windowStart(Math.min(selected, items.length - 1));
	return (
		<Box flexDirection="column">
			{items.slice(first, first + rows).map((item, offset) => {
				const isSelected = first + offset === selected;
				return (
					<Box key={item.key ?? item.value}>
						<Box marginRight={1}>{isSelected ? <Text color="blue">❯</Text> : <Text> </Text>}</Box>
						<Text color={isSelected ? 'blue' : undefined}>{item.label}</Text>
					</Box>
				);
			})}
		</Box>
	);
}
