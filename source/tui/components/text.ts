import cliTruncate from 'cli-truncate';
import stringWidth from 'string-width';
/** Cuts `text` to `width` terminal columns (with … when cut) and pads it to exactly `width`; CJK and emoji take two columns. */
export function fit(text: string, width: number): string {
	if (width <= 0) return '';
	const cut = stringWidth(text) > width ? cliTruncate(text, width) : text;
	return cut + ' '.repeat(Math.max(0, width - stringWidth(cut)));
}

/** As `fit`, but pads on the left: numbers in a table line up on their last digit. */
export function fitEnd(text: string, width: number): string {
	const cut = fit(text, width).trimEnd();
	return ' '.repeat(Math.max(0, width - stringWidth(cut))) + cut;
}

/** Cuts `text` to at most `width` columns, without padding. */
export function clip(text: string, width: number): string {
	return fit(text, width).trimEnd();
}

/** A column of a text table: fixed `width`, or the rest when `grow`. */
export type Column = {title: string; width: number; grow?: boolean};

/** Gives the growing column whatever is left of `total` (one space between columns). */
export function layoutColumns(columns: Column[], total: number): number[] {
	const fixed = columns.reduce((sum, column) => sum + (column.grow ? 0 : column.width), 0);
	const gaps = Math.max(0, columns.length - 1);
	const rest = Math.max(4, total - fixed - gaps);
	return columns.map(column => (column.grow ? Math.max(column.width, rest) : column.width));
}

/** One table row as a single line. */
export function tableLine(cells: string[], widths: number[]): string {
	return cells.map((cell, index) => fit(cell, widths[index] ?? 0)).join(' ');
}

/** `11-23 19:40` (this year) or `2025-11-23` (earlier), local time, or `-`: for narrow table columns. */
export function formatShortDate(date: Date | undefined, now = new Date()): string {
	if (!date) return '-';
	const full = formatDate(date);
	return date.getFullYear() === now.getFullYear() ? full.slice(5) : full.slice(0, 10);
}

/** `2026-11-23 19:40` in local time, or `-`. */
export function formatDate(date: Date | undefined): string {
	if (!date) return '-';
	const pad = (value: number) => String(value).padStart(2, '0');
	return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** `19:40:05` (today), `11-22 19:40:05` (this year) or `2025-11-22 19:40:05`, in local time as formatDate. */
export function formatTime(date: Date, now = new Date()): string {
	const pad = (value: number) => String(value).padStart(2, '0');
	const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
	if (date.toDateString() === now.toDateString()) return time;
	const day = formatDate(date).slice(0, 10);
	return `${date.getFullYear() === now.getFullYear() ? day.slice(5) : day} ${time}`;
}
