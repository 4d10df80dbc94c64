/*
 * What part of an environment a rehearsal copied: ground floor (no imports),
 * so that the CLI's report printers name it without loading the rehearse subsystem.
 */

/** A subset rehearsal's slice: its roots as given (`accounts:2%`), the direction followed, `--subset-only`, the seed. */
export type RehearsedSubset = {roots: string[]; follow: 'down' | 'both'; only: boolean; seed: string};

/**
 * What part of the source a rehearsal copied, in words (`QuerySet AccountQuerySet`,
 * `subset accounts:2%`), or undefined for a copy of the whole database: the
 * gate counts a part only when `requireRehearsal` allows it.
 */
export function partCopied(report: {querySet: {name: string} | null; subset?: RehearsedSubset | null | undefined}): string | undefined {
	if (report.querySet) return `QuerySet ${report.querySet.name}`;
	if (report.subset) return `subset ${report.subset.roots.join(' ')}${report.subset.follow === 'both' ? ' (both ways)' : ''}`;
	return undefined;
}
