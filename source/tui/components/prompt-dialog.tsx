import {Box, Text} from 'ink';
import {useReducer} from 'react';
import {MonarchError} from '../../core/errors.js';
import type {ToneLine} from '../../core/prompts.js';
import {useKeys} from '../hooks/use-keys.js';
import {actionFor} from '../keymap.js';
import type {PromptRequest} from '../state/prompt-channel.js';
import {checkDanger, checkNumberAnswer, checkText, initialPromptFormState, promptFormReducer} from '../state/prompt-form-state.js';
import {SelectInput} from './select-input.js';
import {TextInput} from './text-input.js';

export type PromptDialogProps = {
	request: PromptRequest;
	width: number;
	/** Called once the question is answered or cancelled. */
	onSettled: (id: number) => void;
};

/** The error a cancelled question rejects with: the job that asked writes nothing. */
export function cancelledAt(message: string): MonarchError {
	return new MonarchError('cancelled', `Cancelled: ${message.replace(/[?.:]+$/, '').slice(0, 60)}; nothing was changed`);
}

/** The colour of each tone of a confirmation's evidence (`plain`: the terminal's own). */
const toneColors: Record<ToneLine['tone'], string | undefined> = {good: 'green', warn: 'yellow', bad: 'red', plain: undefined};

/** A core question as an in-TUI form: text, number, select, yes/no or type-the-name (under the lines it must be read with, its `details`). Esc cancels. */
export function PromptDialog({request, width, onSettled}: PromptDialogProps) {
	const [form, dispatch] = useReducer(promptFormReducer, request, initialPromptFormState);
	const message = request.question.message;
	const answer = (settle: () => void) => {
		settle();
		onSettled(request.id);
	};

	useKeys((input, key) => {
		if (request.kind === 'confirm') {
			const action = actionFor(['dialog'], input, key);
			if (action === 'yes') answer(() => request.resolve(true));
			else if (action === 'no') answer(() => request.resolve(false));
			else if (action === 'submit') answer(() => request.resolve(request.question.default ?? false));
			else if (action === 'cancel') answer(() => request.reject(cancelledAt(message)));
			return;
		}

		if (actionFor(['form'], input, key) === 'cancel') answer(() => request.reject(cancelledAt(message)));
	});

	const submit = (value: string) => {
		if (request.kind === 'text') {
			const checked = checkText(request, value);
			if (checked.ok) answer(() => request.resolve(checked.value));
			else dispatch({type: 'invalid', error: checked.error});
		} else if (request.kind === 'number') {
			const checked = checkNumberAnswer(request, value);
			if (checked.ok) answer(() => request.resolve(checked.value));
			else dispatch({type: 'invalid', error: checked.error});
		} else if (request.kind === 'danger') {
			const checked = checkDanger(request, value);
			if (checked.ok) answer(() => request.resolve(true));
			else dispatch({type: 'invalid', error: checked.error});
		}
	};

	const danger = request.kind === 'danger' || request.kind === 'confirm';
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={danger ? 'red' : 'cyan'} width={width} paddingX={1}>
			{request.kind === 'danger'
				? request.question.evidence?.map(line => (
						<Text key={line.text} color={toneColors[line.tone]} wrap="wrap">
							{line.text}
						</Text>
					))
				: null}
			{request.kind === 'confirm' || request.kind === 'danger'
				? request.question.details?.map(line => <Text key={line} color="yellow" wrap="wrap">{`! ${line}`}</Text>)
				: null}
			<Text bold wrap="wrap">
				{message}
			</Text>
			{request.kind === 'danger' ? (
				<Text>
					Type{' '}
					<Text bold color="red">
						{request.question.expected}
					</Text>{' '}
					to confirm:
				</Text>
			) : null}
			{request.kind === 'confirm' ? (
				<Text>
					<Text bold color="cyan">
						y
					</Text>
					{' yes   '}
					<Text bold color="cyan">
						n
					</Text>
					{' no   '}
					<Text dimColor>(enter: {request.question.default ? 'yes' : 'no'}, esc: cancel)</Text>
				</Text>
			) : null}
			{request.kind === 'select' ? (
				<SelectInput
					items={request.question.choices.map(choice => ({key: choice.value, label: choice.label ?? choice.value, value: choice.value}))}
					initialIndex={Math.max(
						0,
						request.question.choices.findIndex(choice => choice.value === request.question.default),
					)}
					limit={8}
					onSelect={item => answer(() => request.resolve(item.value))}
				/>
			) : null}
			{request.kind === 'text' || request.kind === 'number' || request.kind === 'danger' ? (
				<Box>
					<Text color="cyan">› </Text>
					<TextInput value={form.value} onChange={value => dispatch({type: 'change', value})} onSubmit={submit} />
				</Box>
			) : null}
			{form.error ? <Text color="red">✘ {form.error}</Text> : null}
		</Box>
	);
}
