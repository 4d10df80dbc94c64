import {Text} from 'ink';
import {useLayoutEffect, useRef, useState} from 'react';
import {useKeys} from '../hooks/use-keys.js';
import {actionFor} from '../keymap.js';

export type TextInputProps = {
	value: string;
	onChange: (value: string) => void;
	/** Enter: called with the text as typed so far. */
	onSubmit?: (value: string) => void;
};

/**
 * A one-line text field with a cursor (what ink-text-input drew, on useKeys):
 * typed or pasted text goes in at the cursor, the keymap's `text` keys (←/→
 * move it, backspace deletes before it) edit it, enter submits; ↑/↓, tab, esc and ctrl keys are left to others.
 * Keys typed faster than the app draws build on each other: the field keeps
 * the text and cursor it last produced until the parent's value comes back,
 * so `ab⏎` sent at once submits `ab`.
 */
export function TextInput({value, onChange, onSubmit}: TextInputProps) {
	const [cursor, setCursor] = useState(value.length);
	const latest = useRef({value, cursor: value.length});
	useLayoutEffect(() => {
		// The parent set another value (not the one we sent): the cursor stays inside it.
		if (value !== latest.current.value) latest.current = {value, cursor: Math.min(latest.current.cursor, value.length)};
	}, [value]);

	useKeys((input, key) => {
		if (key.upArrow || key.downArrow || key.tab || key.escape || key.ctrl) return;
		if (key.return) {
			onSubmit?.(latest.current.value);
			return;
		}

		const {value: text, cursor: at} = latest.current;
		let next = {value: text, cursor: at};
		const action = actionFor(['text'], input, key);
		if (action === 'cursor-left') next = {value: text, cursor: Math.max(0, at - 1)};
		else if (action === 'cursor-right') next = {value: text, cursor: Math.min(text.length, at + 1)};
		else if (action === 'delete-back') next = at > 0 ? {value: text.slice(0, at - 1) + text.slice(at), cursor: at - 1} : next;
		else if (input !== '') next = {value: text.slice(0, at) + input + text.slice(at), cursor: at + input.length};
		latest.current = next;
		setCursor(next.cursor);
		if (next.value !== text) onChange(next.value);
	});

	const at = Math.min(cursor, value.length);
	return (
		<Text>
			{value.slice(0, at)}
			<Text inverse>{value.slice(at, at + 1) || ' '}</Text>
			{value.slice(at + 1)}
		</Text>
	);
}
