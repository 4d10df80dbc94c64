import {styleText} from 'node:util';
import type {ToneLine} from '../core/prompts.js';

type Style = Parameters<typeof styleText>[0];

/** Colours only on a terminal, and never with NO_COLOR. */
export function colorEnabled(stream: NodeJS.WriteStream): boolean {
	return Boolean(stream.isTTY) && process.env.NO_COLOR === undefined && process.env.TERM !== 'dumb';
}

export function paint(stream: NodeJS.WriteStream) {
	const on = colorEnabled(stream);
	return (style: Style, text: string): string => (on ? styleText(style, text) : text);
}

const toneStyles = {good: 'green', warn: 'yellow', bad: 'red'} as const;

/** A line of evidence in its tone's colour (`good` green, `warn` yellow, `bad` red; `plain` as it is), on a terminal without NO_COLOR. */
export function paintTone(stream: NodeJS.WriteStream): (line: ToneLine) => string {
	const color = paint(stream);
	return ({text, tone}) => (tone === 'plain' ? text : color(toneStyles[tone], text));
}
