/** A palette line cut into words, and whether its last word is a quote still open (being typed). */
export type PaletteWords = {words: string[]; open: boolean};

/**
 * Cuts a palette line into words at white space, as a shell would for the
 * one thing a palette line needs quoting for: a word that starts with `'` or
 * `"` runs to the same quote, spaces included, and loses the two quotes
 * (`--subset 'accounts:{"plan": "pro"}'`). A quote anywhere else is part of
 * its word (`accounts:{"plan":"pro"}` stays as typed); there are no escapes.
 */
export function paletteWords(text: string): PaletteWords {
	const words: string[] = [];
	let open = false;
	let at = 0;
	while (at < text.length) {
		while (at < text.length && /\s/.test(text[at]!)) at++;
		if (at >= text.length) break;
		const quote = text[at];
		let word = '';
		if (quote === "'" || quote === '"') {
			const close = text.indexOf(quote, at + 1);
			if (close === -1) {
				words.push(text.slice(at + 1));
				open = true;
				break;
			}

			word = text.slice(at + 1, close);
			at = close + 1;
		}

		while (at < text.length && !/\s/.test(text[at]!)) word += text[at++];
		words.push(word);
	}

	return {words, open};
}
