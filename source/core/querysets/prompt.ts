import {MonarchError} from '../errors.js';
import type {Prompter} from '../prompts.js';

/** What a validator may return: an error message, or `true`/`undefined` when the answer is fine (`false` rejects it). */
export type ValidateResult = string | boolean | undefined | void;

/** Options every QuerySet question takes. */
export type PromptOptions<T> = {
	/** The answer's name on the command line (`--param accountId=42`); defaults to the message in camelCase. */
	key?: string;
	/** The question, e.g. `Please enter an account id`. */
	message: string;
	default?: T;
	/** Returns an error message (or `false`) for a bad answer. */
	validate?: (value: T) => ValidateResult;
};

export type TextPromptOptions = PromptOptions<string>;

export type NumberPromptOptions = PromptOptions<number> & {
	min?: number;
	max?: number;
	/** Only whole numbers. */
	integer?: boolean;
};

export type SelectPromptOptions<T extends string> = Omit<PromptOptions<T>, 'validate'> & {
	/** The values to choose from, or `{value, label}` pairs. */
	choices: ReadonlyArray<T | {value: T; label?: string}>;
};

export type ConfirmPromptOptions = Omit<PromptOptions<boolean>, 'validate'>;

/** `this.prompt` inside a QuerySet: every answer is recorded by key (for the backup's manifest). */
export type QuerySetPrompt = {
	text(options: TextPromptOptions): Promise<string>;
	number(options: NumberPromptOptions): Promise<number>;
	select<T extends string>(options: SelectPromptOptions<T>): Promise<T>;
	confirm(options: ConfirmPromptOptions): Promise<boolean>;
};

/** `Please enter an account id` -> `pleaseEnterAnAccountId`. */
export function promptKey(message: string): string {
	const words = message.match(/[A-Za-z0-9]+/g) ?? [];
	return words
		.map((word, index) => (index === 0 ? word[0]!.toLowerCase() + word.slice(1) : word[0]!.toUpperCase() + word.slice(1)))
		.join('');
}

const keyPattern = /^[A-Za-z][A-Za-z0-9_.-]*$/;

function keyOf(options: {key?: string; message: string}, owner: string): string {
	if (typeof options?.message !== 'string' || options.message.trim() === '') {
		throw new MonarchError('usage', `${owner}: a prompt needs a message`, {
			hint: "for example this.prompt.text({message: 'Account name'})",
		});
	}

	const key = options.key ?? promptKey(options.message);
	if (!keyPattern.test(key)) {
		throw new MonarchError('usage', `${owner}: prompt key "${key}" cannot be given as --param ${key}=VALUE`, {
			hint: 'use a key of letters, digits, "_", "-" or ".", starting with a letter',
		});
	}

	return key;
}

function adapt<T>(validate: ((value: T) => ValidateResult) | undefined): ((value: T) => string | undefined) | undefined {
	if (!validate) return undefined;
	return value => {
		const result = validate(value);
		if (typeof result === 'string') return result;
		return result === false ? 'not a valid answer' : undefined;
	};
}

/**
 * Builds `this.prompt` for one QuerySet run: questions go to the core's
 * Prompter (the CLI answers from --param or a terminal, the TUI with a form)
 * and every answer is passed to `record`.
 */
export function createQuerySetPrompt(prompter: Prompter, owner: string, record: (key: string, value: unknown) => void): QuerySetPrompt {
	return {
		async text(options) {
			const key = keyOf(options, owner);
			const value = await prompter.text({key, message: options.message, default: options.default, validate: adapt(options.validate)});
			record(key, value);
			return value;
		},
		async number(options) {
			const key = keyOf(options, owner);
			const value = await prompter.number({
				key,
				message: options.message,
				default: options.default,
				integer: options.integer,
				min: options.min,
				max: options.max,
				validate: adapt(options.validate),
			});
			record(key, value);
			return value;
		},
		async select<T extends string>(options: SelectPromptOptions<T>) {
			const key = keyOf(options, owner);
			const choices = (options.choices ?? []).map(choice => (typeof choice === 'string' ? {value: choice} : choice));
			if (choices.length === 0)
				throw new MonarchError('usage', `${owner}: prompt.select "${options.message}" has no choices`, {hint: "pass choices: ['a', 'b']"});
			const value = await prompter.select<T>({key, message: options.message, choices, default: options.default});
			record(key, value);
			return value;
		},
		async confirm(options) {
			const key = keyOf(options, owner);
			const value = await prompter.confirm({key, message: options.message, default: options.default});
			record(key, value);
			return value;
		},
	};
}
