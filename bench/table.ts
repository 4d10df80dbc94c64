/** Prints a bench result as an aligned table: case, milliseconds, ratio to the row marked as baseline. */
export function printTable(title: string, rows: Array<{case: string; ms: number; ratio: number}>): void {
	const width = Math.max(...rows.map(row => row.case.length), 4);
	console.log(`\n${title}`);
	console.log(`  ${'case'.padEnd(width)}  ${'ms'.padStart(9)}  ${'ratio'.padStart(7)}`);
	for (const row of rows) {
		console.log(`  ${row.case.padEnd(width)}  ${row.ms.toFixed(1).padStart(9)}  ${`${row.ratio.toFixed(2)}x`.padStart(7)}`);
	}
}

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
