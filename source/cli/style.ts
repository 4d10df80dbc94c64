import {styleText} from 'node:util';

type Style = Parameters<typeof styleText>[0];

/** Colours only on a terminal, and never with NO_COLOR. */
export function colorEnabled(stream: NodeJS.WriteStream): boolean {
	return Boolean(stream.isTTY) && process.env.NO_COLOR === undefined && process.env.TERM !== 'dumb';
}

export function paint(stream: NodeJS.WriteStream) {
	const on = colorEnabled(stream);
	return (style: Style, text: string): string => (on ? styleText(style, text) : text);
}
