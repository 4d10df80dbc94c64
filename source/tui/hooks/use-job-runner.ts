import {useCallback, useEffect, useRef, useState} from 'react';
import {describeError, isMonarchError} from '../../core/errors.js';
import type {EventSink} from '../../core/events.js';
import {createProgressMeter, type ProgressMeter} from '../../core/progress.js';
import type {Prompter} from '../../core/prompts.js';
import {initialJobState, type JobAction, type JobState, jobReducer, type TaskProgress} from '../state/job-state.js';

/** What a job's core call gets: the event sink, the cancel signal and the TUI prompter. */
export type JobContext = {
	events: EventSink;
	signal: AbortSignal;
	prompter: Prompter;
	/**
	 * Sets the job's CLI line (made in jobs/command-line.ts) once the job's
	 * forms have answered what it depends on (the environment picked, the
	 * QuerySet and its answers, the store, the name); a later call replaces it.
	 */
	setCommand: (line: string) => void;
};

/** A result line that tells a failure found (a rehearsal's failed migration) from success: `fail` shows it red with ✘. */
export type JobSummary = {text: string; tone: 'ok' | 'fail'};

/** A long core operation to run as a job. */
export type JobSpec<R> = {
	title: string;
	/** The equivalent CLI line, when it is known up front (otherwise the job sets it: JobContext.setCommand). */
	command?: string | undefined;
	/** Whole steps known up front (pending migrations, collections), for the overall bar. */
	steps?: number | undefined;
	run: (context: JobContext) => Promise<R>;
	/** The result line that stays in the log. */
	summary: (result: R) => string | JobSummary;
	/** Opens the result's own view (a rehearsal's report): once when the job succeeds, and again on `v` while the finished job shows. */
	view?: (result: R) => void;
	/** Called once the job ended, however it ended (reload lists here). */
	onSettled?: () => void;
};

export type JobRunner = {
	state: JobState | undefined;
	running: boolean;
	/** Starts a job unless one is running; returns whether it started. */
	start: <R>(spec: JobSpec<R>) => boolean;
	/** Aborts the running job's signal: the current step finishes, nothing after it runs. */
	cancel: () => void;
	/** Closes a finished job's view. */
	dismiss: () => void;
	/** Opens the finished job's result view again (see JobSpec.view); nothing when it has none. */
	openView: () => void;
};

/** How often progress bars redraw at most (ms). */
const progressFlushMs = 100;

/**
 * The job's prompter: `prompter`'s questions, each telling `dispatch` when it
 * opens and when it is answered (or cancelled), so the job's elapsed time
 * leaves out the time its forms waited for the user.
 */
export function timedPrompter(prompter: Prompter, dispatch: (action: JobAction) => void, clock: () => number): Prompter {
	const timed = async <T>(ask: () => Promise<T>): Promise<T> => {
		dispatch({type: 'question-opened', now: clock()});
		try {
			return await ask();
		} finally {
			dispatch({type: 'question-closed', now: clock()});
		}
	};

	return {
		text: async question => timed(async () => prompter.text(question)),
		number: async question => timed(async () => prompter.number(question)),
		select: async question => timed(async () => prompter.select(question)),
		confirm: async question => timed(async () => prompter.confirm(question)),
		confirmDangerous: async question => timed(async () => prompter.confirmDangerous(question)),
	};
}

/**
 * Runs one core operation at a time with an event sink and an AbortController,
 * turning its events into a JobState (progress per task with rate and ETA, log lines).
 * A failure becomes the job's error; it never escapes to crash the app.
 * `clock` (ms) times the job and its progress; Date.now unless a test fixes it.
 */
export function useJobRunner(prompter: Prompter, clock: () => number = Date.now): JobRunner {
	const [state, setState] = useState<JobState | undefined>(undefined);
	const controller = useRef<AbortController | undefined>(undefined);
	const view = useRef<(() => void) | undefined>(undefined);
	const runningRef = useRef(false);
	const mounted = useRef(true);
	useEffect(() => {
		mounted.current = true;
		return () => {
			mounted.current = false;
		};
	}, []);

	const dispatch = useCallback((action: JobAction) => {
		if (mounted.current) setState(previous => (previous === undefined ? previous : jobReducer(previous, action)));
	}, []);

	const start = useCallback(
		<R>(spec: JobSpec<R>): boolean => {
			if (runningRef.current) return false;
			runningRef.current = true;
			view.current = undefined;
			const abort = new AbortController();
			controller.current = abort;
			const meters = new Map<string, ProgressMeter>();
			const pending = new Map<string, TaskProgress>();
			let timer: NodeJS.Timeout | undefined;
			const flush = () => {
				clearTimeout(timer);
				timer = undefined;
				for (const snapshot of pending.values()) dispatch({type: 'progress', snapshot});
				pending.clear();
			};

			const events: EventSink = event => {
				if (event.type === 'progress') {
					let meter = meters.get(event.task);
					if (!meter) {
						meter = createProgressMeter(clock);
						meters.set(event.task, meter);
					}

					pending.set(event.task, {...meter.update(event.done, event.total), task: event.task, unit: event.unit});
					timer ??= setTimeout(flush, progressFlushMs);
					return;
				}

				flush();
				dispatch({type: 'event', event});
			};

			setState(initialJobState(spec.title, spec.steps, clock(), spec.command));
			const settle = (action: JobAction) => {
				flush();
				runningRef.current = false;
				dispatch(action);
				spec.onSettled?.();
			};

			// biome-ignore lint/complexity/noExcessiveCognitiveComplexity: one case per job event; to split with the job state
			void (async () => {
				try {
					const setCommand = (line: string) => dispatch({type: 'command', line});
					const result = await spec.run({events, signal: abort.signal, prompter: timedPrompter(prompter, dispatch, clock), setCommand});
					const summary = spec.summary(result);
					const {view: open} = spec;
					if (open) view.current = () => open(result);
					settle({
						type: 'succeeded',
						summary: typeof summary === 'string' ? summary : summary.text,
						failed: typeof summary !== 'string' && summary.tone === 'fail',
						viewable: open !== undefined,
						now: clock(),
					});
					view.current?.();
				} catch (error) {
					if (isMonarchError(error) && (error.code === 'cancelled' || error.code === 'refused')) {
						settle({type: 'cancelled', message: error.message, now: clock()});
					} else {
						settle({
							type: 'failed',
							code: isMonarchError(error) ? error.code : 'internal',
							message: describeErrorMessage(error),
							hint: isMonarchError(error) ? error.hint : undefined,
							now: clock(),
						});
					}
				}
			})();
			return true;
		},
		[dispatch, prompter, clock],
	);

	const cancel = useCallback(() => {
		if (!runningRef.current || controller.current?.signal.aborted) return;
		controller.current?.abort();
		dispatch({type: 'cancel-requested'});
	}, [dispatch]);

	const dismiss = useCallback(() => {
		if (!runningRef.current) setState(undefined);
	}, []);

	const openView = useCallback(() => {
		if (!runningRef.current) view.current?.();
	}, []);

	return {state, running: state?.status === 'running', start, cancel, dismiss, openView};
}

function describeErrorMessage(error: unknown): string {
	return isMonarchError(error) ? error.message : describeError(error);
}
