import stringWidth from 'string-width';

/** Rows as aligned columns, padded by display width (CJK and emoji take two columns, colour codes none); the last column is not padded. */
export function table(rows: string[][], indent = '  '): string {
	const widths: number[] = [];
	for (const row of rows) {
		for (const [index, cell] of row.entries()) widths[index] = Math.max(widths[index] ?? 0, stringWidth(cell));
	}

	return rows
		.map(
			row =>
				indent +
				row
					.map((cell, index) => (index === row.length - 1 ? cell : cell + ' '.repeat((widths[index] ?? 0) - stringWidth(cell))))
					.join('  ')
					.trimEnd(),
		)
		.join('\n');
}
