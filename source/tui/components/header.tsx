import {Box, Text} from 'ink';
import {clip} from './text.js';

/** The top line: monarch's version and the project folder. */
export function Header({version, folder, width}: {version: string; folder: string; width: number}) {
	const left = `monarch ${version}`;
	return (
		<Box width={width}>
			<Text bold color="magenta">{left}</Text>
			<Text dimColor> {clip(folder, Math.max(0, width - left.length - 10))}</Text>
			<Box flexGrow={1} />
			<Text dimColor>? help</Text>
		</Box>
	);
}
