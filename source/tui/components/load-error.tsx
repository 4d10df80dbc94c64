import {Box, Text} from 'ink';

/** What a panel shows where its list would stand when reading it failed: `✘ error` in red, then a dim hint saying what to do; `height` keeps the panel's size. */
export function LoadError({error, hint, height}: {error: string; hint: string; height?: number}) {
	return (
		<Box flexDirection="column" height={height}>
			<Text color="red" wrap="wrap">
				✘ {error}
			</Text>
			<Text dimColor>{hint}</Text>
		</Box>
	);
}
