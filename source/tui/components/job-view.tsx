import {Box, Text} from 'ink';
import wrapAnsi from 'wrap-ansi';
import {formatDuration} from '../../core/progress.js';
import {useNow} from '../hooks/use-now.js';
import {type JobLine, type JobState, jobElapsedMs, overallFraction, type TaskProgress} from '../state/job-state.js';
import {ProgressBar} from './progress-bar.js';
import {clip, fit} from './text.js';

const statusText: Record<JobState['status'], {text: string; color: string}> = {
	running: {text: 'running', color: 'yellow'},
	succeeded: {text: 'done', color: 'green'},
	failed: {text: 'failed', color: 'red'},
	cancelled: {text: 'stopped', color: 'yellow'},
};

/** `300/500 docs  1.2k docs/s  ETA 4 s` for a task; only the counts until its rate means something (see meaningfulSample). */
export function taskStats(task: TaskProgress): string {
	const unit = task.unit ?? 'docs';
	const count = task.total === undefined ? `${task.done} ${unit}` : `${task.done}/${task.total} ${unit}`;
	if (task.rate === undefined) return count;
	const rate = task.rate >= 1000 ? `${(task.rate / 1000).toFixed(1)}k` : String(Math.round(task.rate));
	const eta = task.etaSeconds === undefined ? '' : `  ETA ${formatDuration(task.etaSeconds * 1000)}`;
	return `${count}  ${rate} ${unit}/s${eta}`;
}

function lineText(line: JobLine): {mark: string; color: string | undefined; text: string} {
	const text = line.source ? `${line.source} │ ${line.text}` : line.text;
	switch (line.kind) {
		case 'start': {
			return {mark: '▶', color: 'cyan', text};
		}

		case 'ok': {
			return {mark: '✔', color: 'green', text};
		}

		case 'fail': {
			return {mark: '✘', color: 'red', text};
		}

		case 'warn': {
			return {mark: '!', color: 'yellow', text};
		}

		case 'result': {
			return {mark: '■', color: 'green', text};
		}

		default: {
			return {mark: ' ', color: undefined, text};
		}
	}
}

/** One screen row of the log: a line's first row carries its mark, the rows it wraps onto are indented under its text. */
type LogRow = {key: string; mark: string; color: string | undefined; text: string};

/** The kinds of line that wrap whole (an error, a refusal, a warning); the others keep one row each, cut at the edge. */
const wrapped = new Set<JobLine['kind']>(['fail', 'warn']);

/** The log's lines as rows of `width` columns: an error or a warning (a refusal, what a rollback undoes) wraps whole. */
export function logRowsOf(lines: JobLine[], width: number): LogRow[] {
	return lines.flatMap(line => {
		const shown = lineText(line);
		const texts = wrapped.has(line.kind)
			? wrapAnsi(shown.text, Math.max(1, width - 2), {hard: true, trim: true}).split('\n')
			: [shown.text];
		return texts.map((text, index) => ({key: `${line.id}.${index}`, mark: index === 0 ? shown.mark : ' ', color: shown.color, text}));
	});
}

export type JobViewProps = {
	job: JobState;
	width: number;
	height: number;
	/** The time "elapsed" counts to while the job runs (ms since the epoch); the live clock, ticking every second, when not given. */
	now?: number | undefined;
};

/** A running or finished job: its CLI line (dim, `$ monarch …`, once known), overall bar, a bar per task (rate, ETA), elapsed (less the time its forms waited), and its log, long errors and warnings wrapped (the newest rows that fit); finished lines stay. */
export function JobView({job, width, height, now}: JobViewProps) {
	const live = useNow(job.status === 'running' && now === undefined);
	const elapsed = formatDuration(jobElapsedMs(job, now ?? live));
	const status = statusText[job.status];
	// Jobs without steps (backup, restore, copy) show their documents in the task bars instead.
	const steps =
		job.steps.total === undefined ? (job.steps.done > 0 ? `${job.steps.done} done` : '') : `${job.steps.done}/${job.steps.total}`;
	const shownTasks = job.tasks.slice(-3);
	const labelWidth = Math.min(28, Math.floor(width / 3));
	const barWidth = Math.max(10, Math.min(30, width - labelWidth - 40));
	const commandRows = job.command === undefined ? 0 : 1;
	const logRows = Math.max(1, height - 3 - commandRows - shownTasks.length);
	// Each line takes a row at least: the last logRows lines hold every row that can show.
	const rows = logRowsOf(job.lines.slice(-logRows), width).slice(-logRows);
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Box>
				<Text bold>{clip(job.title, width - 30)}</Text>
				<Text color={status.color}> {job.cancelRequested && job.status === 'running' ? 'cancelling' : status.text}</Text>
				<Text dimColor>
					{'  elapsed '}
					{elapsed}
				</Text>
			</Box>
			{job.command === undefined ? null : (
				<Text dimColor wrap="truncate-end">
					$ {job.command}
				</Text>
			)}
			<Box>
				<Text>{fit('overall', labelWidth)} </Text>
				<ProgressBar fraction={overallFraction(job)} width={barWidth} />
				<Text dimColor> {steps}</Text>
			</Box>
			{shownTasks.map(task => (
				<Box key={task.task}>
					<Text>{fit(task.task, labelWidth)} </Text>
					<ProgressBar fraction={task.fraction} width={barWidth} color="cyan" />
					<Text dimColor> {clip(taskStats(task), Math.max(0, width - labelWidth - barWidth - 2))}</Text>
				</Box>
			))}
			<Text dimColor>{'─'.repeat(Math.max(0, width))}</Text>
			{rows.map(row => (
				<Text key={row.key} wrap="truncate">
					<Text color={row.color}>{row.mark}</Text> {row.text}
				</Text>
			))}
		</Box>
	);
}
