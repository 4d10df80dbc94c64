import {formatBytes} from './format.js';

/**
 * What a subset does with a collection: `root` (where it starts), `down`
 * (references a sliced collection: its documents that reference kept ones are
 * kept), `up` (with `--follow both`: referenced by a sliced collection, its
 * documents that kept ones reference are kept), `whole` (copied as it is),
 * `left out` (`--subset-only`: no reference to or from a sliced collection).
 */
export type SubsetRole = 'root' | 'down' | 'up' | 'whole' | 'left out';

/**
 * What a subset takes, worked out before anything is copied: per collection
 * its role, the documents kept and their bytes (the collection's average
 * document size times the documents), beside the source's; the totals and
 * the share of the source; the references that point at nothing in the
 * source itself (counted, not an error).
 */
export type SubsetEstimate = {
	source: string;
	roots: string[];
	follow: 'down' | 'both';
	only: boolean;
	seed: string;
	collections: Array<{name: string; role: SubsetRole; documents: number; bytes: number; totalDocuments: number; totalBytes: number}>;
	documents: number;
	bytes: number;
	totalDocuments: number;
	totalBytes: number;
	/** Per reference entry, the distinct values kept documents hold that no document of the referred collection has. */
	dangling: Array<{entry: string; values: number}>;
	/** How many of the run's sets spilled to the target's server. */
	spilledSets: number;
};

const percent = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '-');

/** The estimate as lines (a header, one per collection, the total, dangling references): what the CLI prints and the TUI shows. */
export function describeEstimate(estimate: SubsetEstimate): string[] {
	const rows = estimate.collections.map(entry => [
		entry.name,
		entry.role,
		String(entry.documents),
		formatBytes(entry.bytes),
		percent(entry.documents, entry.totalDocuments),
	]);
	rows.push(['total', '', String(estimate.documents), formatBytes(estimate.bytes), percent(estimate.documents, estimate.totalDocuments)]);
	const header = ['collection', 'role', 'documents', 'bytes', 'of source'];
	const widths = header.map((title, column) => Math.max(title.length, ...rows.map(row => row[column]!.length)));
	const line = (row: string[]) =>
		row
			.map((cell, column) => (column >= 2 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
			.join('  ')
			.trimEnd();
	const lines = [
		`Subset of ${estimate.source}: ${estimate.roots.join(', ')}, following ${estimate.follow === 'both' ? 'references both ways' : 'references down'}${estimate.only ? ', subset only' : ''}${estimate.roots.some(root => root.endsWith('%')) ? ` (seed ${estimate.seed})` : ''}`,
		line(header),
		...rows.map(line),
	];
	for (const {entry, values} of estimate.dangling) {
		lines.push(
			`${entry}: ${values} ${values === 1 ? 'value points' : 'values point'} at nothing, already in the source (copied as they are)`,
		);
	}

	return lines;
}
