import {Box, Text} from 'ink';
import {TextInput} from './text-input.js';

/** The `/` filter: an input while it has focus, the kept text otherwise. */
export function FilterLine({filter, filtering, onChange}: {filter: string; filtering: boolean; onChange: (value: string) => void}) {
	if (!filtering && filter === '') return null;
	return (
		<Box>
			<Text color="cyan">/ </Text>
			{filtering ? <TextInput value={filter} onChange={onChange} /> : <Text>{filter}</Text>}
			{filtering ? null : <Text dimColor>{'  (esc clears)'}</Text>}
		</Box>
	);
}
