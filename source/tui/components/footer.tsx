import {Box, Text} from 'ink';

type Hint = {label: string; hint: string};

/**
 * Key hints for what has focus, from the keymap, cut to the terminal's width;
 * `pinned` hints (help, quit) always keep their place at the end.
 */
export function Footer({hints, pinned = [], width}: {hints: Hint[]; pinned?: Hint[]; width: number}) {
	const size = (hint: Hint) => hint.label.length + hint.hint.length + 3;
	let room = width - pinned.reduce((sum, hint) => sum + size(hint), 0);
	const parts: Hint[] = [];
	for (const hint of hints) {
		if (size(hint) > room) break;
		parts.push(hint);
		room -= size(hint);
	}

	return (
		<Box width={width}>
			{[...parts, ...pinned].map(part => (
				<Text key={part.label + part.hint}>
					<Text bold color="cyan">
						{part.label}
					</Text>
					<Text dimColor>
						{' '}
						{part.hint}
						{'  '}
					</Text>
				</Text>
			))}
		</Box>
	);
}
