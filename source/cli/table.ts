/** Left-aligned columns separated by two spaces; `width` ignores colour codes. */
export function table(rows: string[][], indent = '  '): string {
	const visible = (text: string) => text.replace(/\u001B\[[0-9;]*m/g, '').length;
	const widths: number[] = [];
	for (const row of rows) {
		for (const [index, cell] of row.entries()) widths[index] = Math.max(widths[index] ?? 0, visible(cell));
	}

	return rows
		.map(row =>
			indent +
			row
				.map((cell, index) => (index === row.length - 1 ? cell : cell + ' '.repeat((widths[index] ?? 0) - visible(cell))))
				.join('  ')
				.trimEnd(),
		)
		.join('\n');
}
