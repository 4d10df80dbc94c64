import {helpSections} from '../keymap.js';
import {Modal} from './modal.js';
import {fit} from './text.js';

/** The help overlay's lines, drawn from the keymap. */
export function helpLines(): string[] {
	const lines: string[] = [];
	for (const section of helpSections()) {
		if (lines.length > 0) lines.push('');
		lines.push(section.title);
		for (const binding of section.bindings) lines.push(`  ${fit(binding.label, 11)} ${binding.description}`);
	}

	return lines;
}

/** `?`: every key of the keymap, by where it applies. */
export function HelpOverlay({width, height, onClose}: {width: number; height: number; onClose: () => void}) {
	return <Modal title="Keys (esc closes)" tone="info" lines={helpLines()} width={width} height={height} onClose={onClose} />;
}
