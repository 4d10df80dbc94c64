import {Box, Text} from 'ink';
import {clip} from './text.js';

/** The top line: monarch's version, the project folder, and the two keys that open something from anywhere (`:` the command palette, `?` the help). */
export function Header({version, folder, width}: {version: string; folder: string; width: number}) {
	const left = `monarch ${version}`;
	const right = ': command  ? help';
	return (
		<Box width={width}>
			<Text bold color="magenta">
				{left}
			</Text>
			<Text dimColor> {clip(folder, Math.max(0, width - left.length - right.length - 2))}</Text>
			<Box flexGrow={1} />
			<Text dimColor>{right}</Text>
		</Box>
	);
}
