/**
 * Questions go up, answers come down: the core asks through a Prompter, the
 * CLI answers from --param or a terminal prompt, the TUI with a form.
 */
export type TextQuestion = {
	/** The answer's name, as given on the command line (`--param accountId=42`). */
	key: string;
	message: string;
	default?: string;
	/** Returns an error message for a bad answer, or undefined when it is fine. */
	validate?: (value: string) => string | undefined;
};

export type NumberQuestion = {
	key: string;
	message: string;
	default?: number;
	integer?: boolean;
	min?: number;
	max?: number;
	validate?: (value: number) => string | undefined;
};

export type SelectQuestion<T extends string = string> = {
	key: string;
	message: string;
	choices: Array<{value: T; label?: string}>;
	default?: T;
};

export type ConfirmQuestion = {
	key: string;
	message: string;
	default?: boolean;
	/** What to tell a user who cannot be asked (no terminal), e.g. `pass --yes`. */
	unattendedHint?: string;
	/**
	 * What the user must have read before answering (a rollback's warning).
	 * The asker has already sent these lines as warning events; a prompter
	 * whose question covers the event log (the TUI's dialog) shows them with it.
	 */
	details?: string[];
};

/** A line of evidence to read before answering, and how it reads: `good` (green), `warn` (yellow), `bad` (red) or `plain`. */
export type ToneLine = {text: string; tone: 'good' | 'warn' | 'bad' | 'plain'};

/** A destructive action: the user types `expected` (an environment's name) to go on. */
export type DangerQuestion = {
	message: string;
	expected: string;
	/** What the user must have read before typing it: see {@link ConfirmQuestion.details}. */
	details?: string[];
	/**
	 * What speaks for or against going on, shown (in its tones) before the
	 * question: a migrate's rehearsal, the safety backup it takes, how long it
	 * should take. Not sent as events: the prompter shows them.
	 */
	evidence?: ToneLine[];
};

export type Prompter = {
	text(question: TextQuestion): Promise<string>;
	number(question: NumberQuestion): Promise<number>;
	select<T extends string>(question: SelectQuestion<T>): Promise<T>;
	confirm(question: ConfirmQuestion): Promise<boolean>;
	/** Resolves true only when the user typed the expected text. */
	confirmDangerous(question: DangerQuestion): Promise<boolean>;
};

/** Checks a number answer against a question's rules; returns the error message or undefined. */
export function checkNumber(question: NumberQuestion, value: number): string | undefined {
	if (!Number.isFinite(value)) return 'enter a number';
	if (question.integer && !Number.isInteger(value)) return 'enter a whole number';
	if (question.min !== undefined && value < question.min) return `must be at least ${question.min}`;
	if (question.max !== undefined && value > question.max) return `must be at most ${question.max}`;
	return question.validate?.(value);
}
