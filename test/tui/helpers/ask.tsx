/** @jsxRuntime automatic */
/** @jsxImportSource react */
import {render} from 'ink-testing-library';
import {PromptDialog} from '../../../source/tui/components/prompt-dialog.js';
import type {NewPromptRequest, PromptRequest} from '../../../source/tui/state/prompt-channel.js';

/** Renders the form of one question, `width` columns wide; `outcome` is its answer (`value`) or rejection (`error`) once `settled`. */
export function ask(request: NewPromptRequest, width = 70) {
	let settled = false;
	let outcome: {value?: unknown; error?: unknown} = {};
	const full = {
		...request,
		id: 1,
		resolve(value: unknown) {
			outcome = {value};
		},
		reject(error: unknown) {
			outcome = {error};
		},
	} as PromptRequest;
	const instance = render(<PromptDialog request={full} width={width} onSettled={() => (settled = true)} />);
	return {...instance, settled: () => settled, outcome: () => outcome};
}
