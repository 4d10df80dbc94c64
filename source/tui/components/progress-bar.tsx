import {Text} from 'ink';

/** `██████░░░░  60%` in `width` columns; an unknown fraction shows a dotted bar. */
export function progressBarText(fraction: number | undefined, width: number): string {
	const barWidth = Math.max(4, width - 5);
	if (fraction === undefined) return `${'·'.repeat(barWidth)}    ?`;
	const filled = Math.round(Math.max(0, Math.min(1, fraction)) * barWidth);
	return `${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)} ${String(Math.floor(fraction * 100)).padStart(3)}%`;
}

export function ProgressBar({fraction, width, color = 'green'}: {fraction: number | undefined; width: number; color?: string}) {
	return <Text color={color}>{progressBarText(fraction, width)}</Text>;
}
