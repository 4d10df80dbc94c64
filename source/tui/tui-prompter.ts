import type {Prompter} from '../core/prompts.js';
import type {PromptChannel} from './state/prompt-channel.js';

/**
 * The TUI's Prompter: every question becomes a form on screen (see
 * components/prompt-dialog.tsx). Esc rejects with a `cancelled` MonarchError,
 * so the job that asked stops before writing anything.
 */
export function createTuiPrompter(channel: PromptChannel): Prompter {
	return {
		async text(question) {
			return new Promise((resolve, reject) => {
				channel.post({kind: 'text', question, resolve, reject});
			});
		},
		async number(question) {
			return new Promise((resolve, reject) => {
				channel.post({kind: 'number', question, resolve, reject});
			});
		},
		async select<T extends string>(question: Parameters<Prompter['select']>[0]) {
			return new Promise<T>((resolve, reject) => {
				channel.post({kind: 'select', question, resolve: value => resolve(value as T), reject});
			});
		},
		async confirm(question) {
			return new Promise((resolve, reject) => {
				channel.post({kind: 'confirm', question, resolve, reject});
			});
		},
		async confirmDangerous(question) {
			return new Promise((resolve, reject) => {
				channel.post({kind: 'danger', question, resolve, reject});
			});
		},
	};
}
