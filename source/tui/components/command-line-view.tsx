import {Box, Text} from 'ink';
import {useKeys} from '../hooks/use-keys.js';
import {wrapCommandLine} from '../jobs/command-line.js';
import {actionFor} from '../keymap.js';
import {clip} from './text.js';

export type CommandLineViewProps = {
	/** The job it belongs to. */
	title: string;
	line: string;
	/** The OSC 52 sequence was sent (the output is a terminal). */
	copied: boolean;
	width: number;
	onClose: () => void;
};

/**
 * A job's CLI line alone on the screen, with no frame around it, so a mouse
 * selection takes exactly the command: a long line breaks between words,
 * each row but the last ending in ` \`, so the rows pasted into a shell are
 * still the one command. Esc (or enter, q) closes it.
 */
export function CommandLineView({title, line, copied, width, onClose}: CommandLineViewProps) {
	useKeys((input, key) => {
		if (actionFor(['modal'], input, key) === 'close') onClose();
	});
	return (
		<Box flexDirection="column" width={width}>
			<Text bold color="cyan">
				{clip(`The CLI line of "${title}"`, width)}
			</Text>
			<Text> </Text>
			{wrapCommandLine(line, width).map((row, index) => (
				<Text key={String(index)}>{row}</Text>
			))}
			<Text> </Text>
			<Text dimColor wrap="wrap">
				{copied
					? 'Sent to your clipboard (OSC 52) if your terminal allows it; if paste gives something else, select the line above with the mouse.'
					: 'Select the line above with the mouse (not a terminal: nothing was sent to the clipboard).'}
			</Text>
			<Text dimColor>esc closes</Text>
		</Box>
	);
}
