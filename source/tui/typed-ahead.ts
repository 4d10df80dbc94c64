import type {Key} from 'ink';

/** Control characters that are keys of their own, with the flags Ink sets when one comes alone. */
const controlKeys: Record<string, Partial<Key>> = {
	'\r': {return: true},
	'\t': {tab: true},
	'\b': {backspace: true},
	'\u007F': {delete: true},
};

const controlCharacter = /[\u0000-\u001F\u007F]/;

/**
 * Splits one input from Ink into the keys a person pressed. Keys that reach
 * the terminal together (typed ahead while the app was busy, or pasted)
 * come from Ink as one input: `stage\r` has no enter flag, so the enter would
 * be typed into a field instead of submitting it. Runs of printable text stay
 * together (a paste, or `jj`, which lists count); each control character
 * becomes its own key: `\r` enter, `\t` tab, `\b` backspace, `\x7f` delete
 * (Ink 6's backspace), `\x01`-`\x1a` ctrl+a-z; others (`\n`, which Ink ignores
 * too) are dropped. An input that is one key already comes back as it is.
 */
export function splitTypedAhead(input: string, key: Key): Array<{input: string; key: Key}> {
	if (input.length < 2 || key.ctrl || key.meta || !controlCharacter.test(input)) return [{input, key}];
	const plain: Key = {...key, return: false, tab: false, backspace: false, delete: false, ctrl: false, shift: false};
	const keys: Array<{input: string; key: Key}> = [];
	for (const part of input.match(/[\u0000-\u001F\u007F]|[^\u0000-\u001F\u007F]+/g) ?? []) {
		const code = part.codePointAt(0) ?? 0;
		const control = controlKeys[part];
		if (control) keys.push({input: '', key: {...plain, ...control}});
		else if (!controlCharacter.test(part)) keys.push({input: part, key: {...plain, shift: part.length === 1 && /[A-Z]/.test(part)}});
		else if (code >= 1 && code <= 26 && part !== '\n') keys.push({input: String.fromCodePoint(code + 96), key: {...plain, ctrl: true}});
	}

	return keys;
}
