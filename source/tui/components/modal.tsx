import {Box, Text} from 'ink';
import {useState} from 'react';
import {useKeys} from '../hooks/use-keys.js';
import {actionFor} from '../keymap.js';
import {clip} from './text.js';

export type ModalProps = {
	title: string;
	tone: 'error' | 'info';
	lines: string[];
	width: number;
	height: number;
	onClose: () => void;
	isActive?: boolean;
};

/** A framed message to read (error with hint and stack, details, help); scrolls with j/k; esc closes. */
export function Modal({title, tone, lines, width, height, onClose, isActive = true}: ModalProps) {
	const [offset, setOffset] = useState(0);
	const bodyRows = Math.max(1, height - 4);
	const maxOffset = Math.max(0, lines.length - bodyRows);
	useKeys(
		(input, key) => {
			const action = actionFor(['modal'], input, key);
			if (action === 'close') onClose();
			if (action === 'down') setOffset(value => Math.min(maxOffset, value + 1));
			if (action === 'up') setOffset(value => Math.max(0, value - 1));
		},
		{isActive},
	);
	const color = tone === 'error' ? 'red' : 'cyan';
	const visible = lines.slice(offset, offset + bodyRows);
	const more = lines.length > bodyRows ? ` ${offset + 1}-${offset + visible.length}/${lines.length} ↓/j` : '';
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={color} width={width} paddingX={1}>
			<Text bold color={color}>
				{clip(title, width - 4 - more.length)}
				<Text dimColor>{more}</Text>
			</Text>
			{visible.map((line, index) => (
				<Text key={`${offset + index}`} wrap={tone === 'error' && !line.startsWith('    at ') ? 'wrap' : 'truncate'}>
					{line === '' ? ' ' : line}
				</Text>
			))}
		</Box>
	);
}
