/** Where the OSC 52 sequence goes: the terminal Ink draws on (process.stdout, or a test's stdout). */
export type TerminalOutput = {isTTY?: boolean | undefined; write: (data: string) => unknown};

/** OSC 52 "set the clipboard" for `text`: `ESC ] 52 ; c ; <base64 of UTF-8> BEL`. */
export function osc52(text: string): string {
	return `\u001B]52;c;${Buffer.from(text, 'utf8').toString('base64')}\u0007`;
}

/**
 * Asks the terminal to put `text` on the clipboard (OSC 52), when `output` is
 * a terminal; returns whether it was sent. The terminal prints nothing and
 * moves no cursor for it, so Ink's frame stays as drawn; whether the
 * clipboard really changed is the terminal's choice (some refuse OSC 52, tmux
 * takes it with `set-clipboard on`), and nothing comes back to tell.
 */
export function copyToClipboard(output: TerminalOutput, text: string): boolean {
	if (!output.isTTY) return false;
	output.write(osc52(text));
	return true;
}
