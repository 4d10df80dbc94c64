import type {ConfirmQuestion, DangerQuestion, NumberQuestion, SelectQuestion, TextQuestion} from '../../core/prompts.js';

/** A question from the core waiting for the user's answer in a form. */
export type PromptRequest = {id: number} & (
	| {kind: 'text'; question: TextQuestion; resolve: (value: string) => void; reject: (error: Error) => void}
	| {kind: 'number'; question: NumberQuestion; resolve: (value: number) => void; reject: (error: Error) => void}
	| {kind: 'select'; question: SelectQuestion; resolve: (value: string) => void; reject: (error: Error) => void}
	| {kind: 'confirm'; question: ConfirmQuestion; resolve: (value: boolean) => void; reject: (error: Error) => void}
	| {kind: 'danger'; question: DangerQuestion; resolve: (value: boolean) => void; reject: (error: Error) => void}
);

/** A request without its id, as the prompter posts it. */
export type NewPromptRequest = PromptRequest extends infer R ? (R extends PromptRequest ? Omit<R, 'id'> : never) : never;

/**
 * The ask-user channel between the core (through the TUI prompter) and the
 * form on screen: questions wait in order; the form answers the first one.
 */
export type PromptChannel = {
	/** The question on screen, if any. */
	current: () => PromptRequest | undefined;
	post: (request: NewPromptRequest) => void;
	/** Removes the current question once it is answered or cancelled. */
	settle: (id: number) => void;
	/** Rejects every waiting question (the app is closing). */
	rejectAll: (error: Error) => void;
	/** For React's useSyncExternalStore. */
	subscribe: (listener: () => void) => () => void;
};

export function createPromptChannel(): PromptChannel {
	let queue: PromptRequest[] = [];
	let nextId = 1;
	const listeners = new Set<() => void>();
	const notify = () => {
		for (const listener of listeners) listener();
	};

	return {
		current: () => queue[0],
		post(request) {
			queue = [...queue, {...request, id: nextId++} as PromptRequest];
			notify();
		},
		settle(id) {
			queue = queue.filter(request => request.id !== id);
			notify();
		},
		rejectAll(error) {
			const waiting = queue;
			queue = [];
			for (const request of waiting) request.reject(error);
			notify();
		},
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
	};
}
