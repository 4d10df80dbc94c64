/*
 * What part of an environment a rehearsal copied or a backup holds, in words:
 * ground floor (no imports), so that the CLI's printers and the TUI name it
 * without loading the rehearse or backups subsystem.
 */

/** A subset rehearsal's slice: its roots as given (`accounts:2%`), the direction followed, `--subset-only`, the seed. */
export type RehearsedSubset = {roots: string[]; follow: 'down' | 'both'; only: boolean; seed: string};

/** A slice in words: `subset accounts:2%`, `subset accounts:2% (both ways)`. */
export function sliceWords(slice: {roots: readonly string[]; follow: 'down' | 'both'}): string {
	return `subset ${slice.roots.join(' ')}${slice.follow === 'both' ? ' (both ways)' : ''}`;
}

/**
 * What part of the source a rehearsal copied, in words (`QuerySet AccountQuerySet`,
 * `subset accounts:2%`), or undefined for a copy of the whole database: the
 * gate counts a part only when `requireRehearsal` allows it.
 */
export function partCopied(report: {querySet: {name: string} | null; subset?: RehearsedSubset | null | undefined}): string | undefined {
	if (report.querySet) return `QuerySet ${report.querySet.name}`;
	if (report.subset) return sliceWords(report.subset);
	return undefined;
}
