import type {MonarchEvent} from '../../core/events.js';
import {describePhase} from '../../core/phase-lines.js';
import {formatDuration, type ProgressSnapshot} from '../../core/progress.js';
import {describeRecovery} from '../../core/recovery-lines.js';
import {describeEstimate} from '../../core/subset-estimate.js';

/** One task's bar: the last progress event with its rate and ETA. */
export type TaskProgress = ProgressSnapshot & {task: string; unit: string | undefined};

/** A line of the job's log pane. */
export type JobLine = {
	id: number;
	kind: 'info' | 'warn' | 'debug' | 'start' | 'ok' | 'fail' | 'result';
	text: string;
	source?: string | undefined;
};

export type JobStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

/** Everything the job view draws. */
export type JobState = {
	title: string;
	/** The equivalent CLI line (`monarch restore shop__2026_11_23:staging --yes`), once known: see JobSpec.command and JobContext.setCommand. */
	command: string | undefined;
	status: JobStatus;
	startedAt: number;
	finishedAt: number | undefined;
	/** Time the job's forms waited for the user, over the questions answered so far (see jobElapsedMs). */
	waitedMs: number;
	/** Since when a form of the job has been waiting for the user, while one is open. */
	waitingSince: number | undefined;
	/** The job's questions open now (the clock of waiting runs while there is at least one). */
	openQuestions: number;
	tasks: TaskProgress[];
	/** Whole steps of the job (migrations, collections); `total` when known up front. */
	steps: {done: number; total: number | undefined};
	/** The step running now. */
	current: string | undefined;
	lines: JobLine[];
	error: {code: string; message: string; hint: string | undefined} | undefined;
	cancelRequested: boolean;
	/** It succeeded with a result view that `v` opens again (a rehearsal's report). */
	viewable: boolean;
};

export type JobAction =
	| {type: 'event'; event: MonarchEvent}
	| {type: 'progress'; snapshot: TaskProgress}
	| {type: 'cancel-requested'}
	| {type: 'command'; line: string}
	| {type: 'question-opened'; now: number}
	| {type: 'question-closed'; now: number}
	| {
			type: 'succeeded';
			summary: string;
			now: number /** The summary tells of a failure found (a rehearsal's failed migration). */;
			failed?: boolean;
			viewable?: boolean;
	  }
	| {type: 'failed'; code: string; message: string; hint: string | undefined; now: number}
	| {type: 'cancelled'; message: string; now: number};

/** Lines kept in the log pane. */
export const maxJobLines = 500;

export function initialJobState(title: string, steps: number | undefined, now: number, command?: string): JobState {
	return {
		title,
		command,
		status: 'running',
		startedAt: now,
		finishedAt: undefined,
		waitedMs: 0,
		waitingSince: undefined,
		openQuestions: 0,
		tasks: [],
		steps: {done: 0, total: steps},
		current: undefined,
		lines: [],
		error: undefined,
		cancelRequested: false,
		viewable: false,
	};
}

let nextLineId = 1;

function addLine(state: JobState, kind: JobLine['kind'], text: string, source?: string): JobState {
	const line: JobLine = {id: nextLineId++, kind, text, source};
	const lines = state.lines.length >= maxJobLines ? [...state.lines.slice(1 - maxJobLines), line] : [...state.lines, line];
	return {...state, lines};
}

/** Folds core events and the job's outcome into what the job view shows. */
export function jobReducer(state: JobState, action: JobAction): JobState {
	switch (action.type) {
		case 'event': {
			return applyEvent(state, action.event);
		}

		case 'progress': {
			const others = state.tasks.filter(task => task.task !== action.snapshot.task);
			const index = state.tasks.findIndex(task => task.task === action.snapshot.task);
			const tasks =
				index === -1
					? [...others, action.snapshot]
					: state.tasks.map(task => (task.task === action.snapshot.task ? action.snapshot : task));
			return {...state, tasks};
		}

		case 'command': {
			return {...state, command: action.line};
		}

		case 'question-opened': {
			return {...state, openQuestions: state.openQuestions + 1, waitingSince: state.waitingSince ?? action.now};
		}

		case 'question-closed': {
			const openQuestions = Math.max(0, state.openQuestions - 1);
			if (openQuestions > 0 || state.waitingSince === undefined) return {...state, openQuestions};
			return {...state, openQuestions, waitingSince: undefined, waitedMs: state.waitedMs + Math.max(0, action.now - state.waitingSince)};
		}

		case 'cancel-requested': {
			return addLine({...state, cancelRequested: true}, 'warn', 'Cancelling: the current step finishes first');
		}

		case 'succeeded': {
			return addLine(
				{...state, status: 'succeeded', finishedAt: action.now, current: undefined, viewable: action.viewable ?? false},
				action.failed ? 'fail' : 'result',
				action.summary,
			);
		}

		case 'failed': {
			const error = {code: action.code, message: action.message, hint: action.hint};
			return addLine({...state, status: 'failed', finishedAt: action.now, current: undefined, error}, 'fail', action.message);
		}

		case 'cancelled': {
			return addLine({...state, status: 'cancelled', finishedAt: action.now, current: undefined}, 'warn', action.message);
		}
	}
}

function applyEvent(state: JobState, event: MonarchEvent): JobState {
	switch (event.type) {
		case 'log': {
			return addLine(state, event.level, event.message, event.source);
		}

		case 'progress': {
			return state;
		}

		case 'migration:start': {
			return addLine({...state, current: event.key}, 'start', event.key);
		}

		case 'migration:end': {
			const steps = {...state.steps, done: state.steps.done + 1};
			const ms = formatDuration(event.durationMs);
			const text =
				event.state === 'Completed' ? `${event.key} (${ms})` : `${event.key} failed after ${ms}: ${event.error ?? 'unknown error'}`;
			return addLine({...state, steps, current: undefined}, event.state === 'Completed' ? 'ok' : 'fail', text);
		}

		case 'lock:waiting': {
			return addLine(state, 'warn', `Waiting for the lock held by ${event.holder} since ${event.since.toISOString()}`);
		}

		case 'lock:acquired': {
			return state;
		}

		case 'lock:taken-over':
		case 'swap:recovered':
		case 'swap:interrupted':
		case 'scratch:dropped':
		case 'scratch:abandoned': {
			return addLine(state, 'warn', describeRecovery(event));
		}

		case 'subset:estimate': {
			return describeEstimate(event.estimate).reduce((lines, text) => addLine(lines, 'info', text), state);
		}

		default: {
			const {level, text} = describePhase(event);
			return addLine(state, level, text);
		}
	}
}

/**
 * How long the job has been working at `now` (or took, once finished): from
 * its start to `now` or its end, less the time its forms waited for the user
 * (a QuerySet's questions, a pick, a confirmation). Times are ms since the
 * epoch, given by the caller, so tests fix them.
 */
export function jobElapsedMs(state: JobState, now: number): number {
	const end = state.finishedAt ?? now;
	const waiting = state.waitingSince === undefined ? 0 : Math.max(0, end - state.waitingSince);
	return Math.max(0, end - state.startedAt - state.waitedMs - waiting);
}

/** The whole job's fraction done: finished steps plus the running step's own fraction, or the tasks' sum. */
export function overallFraction(state: JobState): number | undefined {
	if (state.status === 'succeeded') return 1;
	const {done, total} = state.steps;
	if (total !== undefined && total > 0) {
		const running = state.current === undefined ? undefined : state.tasks.find(task => task.task === state.current);
		return Math.min(1, (done + (running?.fraction ?? 0)) / total);
	}

	if (state.tasks.length === 0 || state.tasks.some(task => task.total === undefined)) return undefined;
	const sumTotal = state.tasks.reduce((sum, task) => sum + (task.total ?? 0), 0);
	const sumDone = state.tasks.reduce((sum, task) => sum + Math.min(task.done, task.total ?? 0), 0);
	return sumTotal === 0 ? undefined : sumDone / sumTotal;
}
