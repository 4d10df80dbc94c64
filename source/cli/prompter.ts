import {createInterface} from 'node:readline/promises';
import {MonarchError} from '../core/errors.js';
import {checkNumber, type Prompter} from '../core/prompts.js';
import {paintTone} from './style.js';

export type CliPrompterOptions = {
	/** Answers given as `--param key=value`. */
	params: Map<string, string>;
	input?: NodeJS.ReadableStream & {isTTY?: boolean};
	output?: NodeJS.WritableStream;
};

/** Parses repeated `--param key=value` flags. */
export function parseParams(values: string[]): Map<string, string> {
	const params = new Map<string, string>();
	for (const value of values) {
		const at = value.indexOf('=');
		if (at <= 0) throw new MonarchError('usage', `--param ${value}: expected key=value`, {hint: 'for example --param accountId=42'});
		params.set(value.slice(0, at), value.slice(at + 1));
	}

	return params;
}

/**
 * Answers the core's questions from --param first, then at the terminal. With
 * no terminal and no answer, fails naming the --param to pass.
 */
export function createCliPrompter(options: CliPrompterOptions): Prompter {
	const input = options.input ?? process.stdin;
	const output = options.output ?? process.stderr;
	const interactive = Boolean((input as {isTTY?: boolean}).isTTY);

	async function ask(message: string): Promise<string> {
		const readline = createInterface({input, output, terminal: interactive});
		try {
			return await readline.question(message);
		} finally {
			readline.close();
		}
	}

	function missing(key: string, message: string, hint?: string): MonarchError {
		return new MonarchError('usage', `No answer for "${message}"`, {
			hint: hint ?? `pass --param ${key}=VALUE (there is no terminal to ask on)`,
		});
	}

	async function answer(
		key: string,
		message: string,
		fallback: string | undefined,
		check: (value: string) => string | undefined,
		hint?: string,
	): Promise<string> {
		const given = options.params.get(key);
		if (given !== undefined) {
			const problem = check(given);
			if (problem) throw new MonarchError('usage', `--param ${key}=${given}: ${problem}`);
			return given;
		}

		if (!interactive) throw missing(key, message, hint);
		for (;;) {
			const suffix = fallback === undefined ? '' : ` (${fallback})`;
			const reply = (await ask(`? ${message}${suffix} `)).trim();
			const value = reply === '' && fallback !== undefined ? fallback : reply;
			const problem = check(value);
			if (!problem) return value;
			output.write(`  ${problem}\n`);
		}
	}

	return {
		async text(question) {
			return answer(question.key, question.message, question.default, value => question.validate?.(value));
		},
		async number(question) {
			const value = await answer(question.key, question.message, question.default?.toString(), text =>
				text.trim() === '' ? 'enter a number' : checkNumber(question, Number(text)),
			);
			return Number(value);
		},
		async select(question) {
			const values = question.choices.map(choice => choice.value as string);
			const listed = question.choices.map((choice, index) => `${index + 1}) ${choice.label ?? choice.value}`).join('  ');
			const value = await answer(question.key, `${question.message} [${listed}]`, question.default, text =>
				values.includes(text) || values[Number(text) - 1] !== undefined ? undefined : `choose one of ${values.join(', ')}`,
			);
			return (values.includes(value) ? value : values[Number(value) - 1]!) as (typeof question.choices)[number]['value'];
		},
		async confirm(question) {
			const fallback = question.default === undefined ? undefined : question.default ? 'y' : 'n';
			const value = await answer(
				question.key,
				`${question.message} [y/n]`,
				fallback,
				text => (/^(y|yes|n|no|true|false)$/i.test(text) ? undefined : 'answer y or n'),
				question.unattendedHint,
			);
			return /^(y|yes|true)$/i.test(value);
		},
		async confirmDangerous(question) {
			if (!interactive) {
				throw new MonarchError('refused', `${question.message} Refusing without confirmation; nothing was changed`, {
					hint: 'pass --yes to confirm from CI',
				});
			}

			if (question.evidence) {
				const tone = paintTone(output as NodeJS.WriteStream);
				output.write(question.evidence.map(line => `${tone(line)}\n`).join(''));
			}

			const reply = await ask(`${question.message}\nType "${question.expected}" to go on: `);
			return reply.trim() === question.expected;
		},
	};
}
