const english = new Intl.PluralRules('en');

/** A count and its noun, in English: `1 collection`, `2 collections`, `0 indexes` (pass irregular plurals). */
export function counted(count: number, singular: string, plural = `${singular}s`): string {
	return `${count} ${english.select(count) === 'one' ? singular : plural}`;
}
