import {checkNumber} from '../../core/prompts.js';
import type {PromptRequest} from './prompt-channel.js';

/** The form's typed text and its inline error. */
export type PromptFormState = {value: string; error: string | undefined};

export type PromptFormAction = {type: 'change'; value: string} | {type: 'invalid'; error: string};

export function initialPromptFormState(request: PromptRequest): PromptFormState {
	switch (request.kind) {
		case 'text': {
			return {value: request.question.default ?? '', error: undefined};
		}

		case 'number': {
			return {value: request.question.default === undefined ? '' : String(request.question.default), error: undefined};
		}

		default: {
			return {value: '', error: undefined};
		}
	}
}

/** Typing clears the error; a bad submit shows one. */
export function promptFormReducer(state: PromptFormState, action: PromptFormAction): PromptFormState {
	if (action.type === 'change') return {value: action.value, error: undefined};
	return {...state, error: action.error};
}

/** A typed answer checked against the question: the value to resolve with, or the inline message. */
export type Checked<T> = {ok: true; value: T} | {ok: false; error: string};

export function checkText(request: Extract<PromptRequest, {kind: 'text'}>, value: string): Checked<string> {
	if (value.trim() === '') return {ok: false, error: 'enter a value'};
	const error = request.question.validate?.(value);
	return error === undefined ? {ok: true, value} : {ok: false, error};
}

export function checkNumberAnswer(request: Extract<PromptRequest, {kind: 'number'}>, value: string): Checked<number> {
	if (value.trim() === '') return {ok: false, error: 'enter a number'};
	const number = Number(value);
	const error = checkNumber(request.question, number);
	return error === undefined ? {ok: true, value: number} : {ok: false, error};
}

export function checkDanger(request: Extract<PromptRequest, {kind: 'danger'}>, value: string): Checked<true> {
	return value === request.question.expected
		? {ok: true, value: true}
		: {ok: false, error: `type "${request.question.expected}" exactly to go on, or press esc`};
}
