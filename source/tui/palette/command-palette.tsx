import {Box, Text} from 'ink';
import {clip} from '../components/text.js';
import {TextInput} from '../components/text-input.js';
import {type PaletteCommand, usageOf} from './commands.js';
import type {PaletteState} from './palette-state.js';

/** Rows the palette takes at the bottom of the panel area. */
export const paletteRows = 2;

export type CommandPaletteProps = {
	state: PaletteState;
	commands: PaletteCommand[];
	width: number;
	onChange: (text: string) => void;
	onSubmit: (text: string) => void;
};

/**
 * The `:` palette: the line being typed, and under it the error (red), Tab's
 * candidates, or the commands' usage. It only draws: state in
 * palette-state.ts, keys in use-palette-keys.ts.
 */
export function CommandPalette({state, commands, width, onChange, onSubmit}: CommandPaletteProps) {
	let below = <Text dimColor>{clip(commands.map(command => usageOf(command)).join(' · '), width)}</Text>;
	if (state.error) below = <Text color="red">{clip(`✘ ${state.error}`, width)}</Text>;
	else if (state.candidates.length > 0) below = <Text color="cyan">{clip(state.candidates.join('  '), width)}</Text>;
	return (
		<Box flexDirection="column" width={width} height={paletteRows}>
			<Box>
				<Text bold color="cyan">
					:
				</Text>
				<TextInput key={state.revision} value={state.text} onChange={onChange} onSubmit={onSubmit} />
			</Box>
			<Box>{below}</Box>
		</Box>
	);
}
