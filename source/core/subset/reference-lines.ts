import type {ReferencesSuggestResult, SuggestedReference} from './suggested-reference.js';

/*
 * What `references suggest` says, in the CLI (a table) and the TUI (a
 * message): the same words. Imports only types, so the subset door exports it
 * statically.
 */

/** A share as a whole percentage, rounded down (95.2% reads 95%, never 100% unless all were found). */
export function sharePercent(share: number): string {
	return `${Math.floor(share * 100)}%`;
}

/** Where a suggestion stands in monarch.json: `new`, `declared`, or `declared: <other target>` (the user's entry is kept). */
export function referenceState(reference: SuggestedReference): string {
	if (reference.current === null) return 'new';
	return reference.current === reference.target ? 'declared' : `declared: ${reference.current}`;
}

/** The result's last lines: what was proposed and what --write did (or would do), then what no name can find. */
export function referencesSummary(result: ReferencesSuggestResult): string[] {
	const proposed = result.proposed.length;
	const fresh = result.proposed.filter(reference => reference.current === null).length;
	const counted = `${proposed} ${proposed === 1 ? 'reference' : 'references'} proposed in ${result.environment} (${fresh} new; samples of up to ${result.sample} documents, proposed from ${sharePercent(result.proposeAt)} of values found)`;
	let done: string;
	if (result.written === undefined) done = fresh === 0 ? 'nothing to add' : `nothing written: --write adds the new ones to ${result.file}`;
	else {
		const added = result.written.added.length;
		done =
			added === 0
				? `nothing to add to ${result.file}`
				: `added ${added} ${added === 1 ? 'reference' : 'references'} to ${result.file}: review the diff`;
	}

	const lines = [`${counted}; ${done}`];
	if (result.declaredOnly.length > 0)
		lines.push(
			`Declared in ${result.file}, not found from the data: ${result.declaredOnly.map(entry => `${entry.path} → ${entry.target}`).join(', ')}`,
		);
	lines.push('A reference to a field other than _id (orders.items[].sku → products.sku) is never found from names: declare it by hand.');
	return lines;
}

/** One suggestion as a line (the TUI's message): `events.campaign_id → campaigns._id: 95% of 63 values found (named like campaigns; new)`. */
export function referenceLine(reference: SuggestedReference): string {
	const found =
		reference.target === null ? `${reference.values} values` : `${sharePercent(reference.found)} of ${reference.values} values found`;
	return `${reference.path} → ${reference.target ?? '-'}: ${found} (${reference.reason}${reference.current === null ? '' : `; ${referenceState(reference)}`})`;
}

/** The whole result as lines: the proposed, those looked at and not proposed, the summary. */
export function referenceLines(result: ReferencesSuggestResult): string[] {
	return [
		...(result.proposed.length === 0
			? ['No reference found']
			: ['Proposed:', ...result.proposed.map(reference => `  ${referenceLine(reference)}`)]),
		...(result.rejected.length === 0
			? []
			: ['Looked at, not proposed:', ...result.rejected.map(reference => `  ${referenceLine(reference)}`)]),
		...referencesSummary(result),
	];
}
