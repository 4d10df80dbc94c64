import type {EventSink, MonarchEvent} from '../core/events.js';
import {describePhase} from '../core/phase-lines.js';
import {createProgressMeter, formatDuration, type ProgressMeter, type ProgressSnapshot} from '../core/progress.js';
import {describeRecovery} from '../core/recovery-lines.js';
import {redact} from '../core/redact.js';
import {describeEstimate} from '../core/subset-estimate.js';
import {paint} from './style.js';

export type EventPrinterOptions = {
	stream?: NodeJS.WriteStream;
	verbose?: boolean;
	/** Minimum ms between progress lines when not on a terminal. */
	plainIntervalMs?: number;
	/** The clock for rates, ETAs and the line throttle (ms); Date.now unless a test fixes it. */
	now?: () => number;
};

/**
 * Prints core events for people: log lines, a redrawn progress bar on a
 * terminal, and throttled progress lines (counts, rate, ETA) elsewhere.
 * Rate, ETA and elapsed appear only once a task's sample is meaningful
 * (see meaningfulSample in core/progress.ts); the last line of a finished
 * task is always printed.
 */
export function createEventPrinter(options: EventPrinterOptions = {}): EventSink & {finish: () => void} {
	const stream = options.stream ?? process.stderr;
	const clock = options.now ?? Date.now;
	const color = paint(stream);
	const tty = Boolean(stream.isTTY);
	const meters = new Map<string, ProgressMeter>();
	const lastPlain = new Map<string, number>();
	let barShown = false;

	const clearBar = () => {
		if (barShown) {
			stream.write('\r\u001B[2K');
			barShown = false;
		}
	};

	const line = (text: string) => {
		clearBar();
		stream.write(`${redact(text)}\n`);
	};

	// biome-ignore lint/complexity/noExcessiveCognitiveComplexity: one case per event type: a table of printers is the next step
	const sink = (event: MonarchEvent) => {
		switch (event.type) {
			case 'log': {
				if (event.level === 'debug' && !options.verbose) return;
				const prefix = event.source ? color('dim', `  ${event.source} │ `) : event.level === 'warn' ? color('yellow', '! ') : '';
				line(`${prefix}${event.message}`);
				return;
			}

			case 'progress': {
				let meter = meters.get(event.task);
				if (!meter) {
					meter = createProgressMeter(clock);
					meters.set(event.task, meter);
				}

				const snapshot = meter.update(event.done, event.total);
				const text = `${event.task} ${describeProgress(snapshot, event.unit)}`;
				if (tty) {
					clearBar();
					stream.write(`${bar(snapshot.fraction)} ${text}`.slice(0, Math.max(20, (stream.columns ?? 80) - 1)));
					barShown = true;
				} else {
					const now = clock();
					const finished = snapshot.total !== undefined && snapshot.done >= snapshot.total;
					if (finished || now - (lastPlain.get(event.task) ?? 0) >= (options.plainIntervalMs ?? 2000)) {
						lastPlain.set(event.task, now);
						line(`  ${text}`);
					}
				}

				return;
			}

			case 'migration:start':
				line(`${color('cyan', '▶')} ${event.key}`);
				return;
			case 'migration:end':
				meters.delete(event.key);
				line(
					event.state === 'Completed'
						? `${color('green', '✔')} ${event.key} ${color('dim', `(${formatDuration(event.durationMs)})`)}`
						: `${color('red', '✖')} ${event.key} failed after ${formatDuration(event.durationMs)}: ${event.error ?? ''}`,
				);
				return;
			case 'lock:waiting':
				line(color('yellow', `Waiting for the lock held by ${event.holder} since ${event.since.toISOString()}...`));
				return;
			case 'lock:acquired':
				if (options.verbose) line(color('dim', 'Lock acquired'));
				return;
			case 'lock:taken-over':
			case 'swap:recovered':
			case 'scratch:dropped':
				line(color('yellow', describeRecovery(event)));
				return;
			case 'swap:interrupted':
			case 'scratch:abandoned':
				line(`${color('yellow', '! ')}${describeRecovery(event)}`);
				return;
			case 'subset:estimate':
				for (const text of describeEstimate(event.estimate)) line(text);
				return;
			default: {
				const {level, text} = describePhase(event);
				if (level === 'debug' && !options.verbose) return;
				line(level === 'warn' ? `${color('yellow', '! ')}${text}` : level === 'debug' ? color('dim', text) : text);
			}
		}
	};

	return Object.assign(sink, {finish: clearBar});
}

/** `3000/5000 60% 950 docs/s ETA 2.1 s elapsed 2.1 s`; only the counts (`1000/5000 20%`) until the rate means something. */
export function describeProgress(snapshot: ProgressSnapshot, unit = ''): string {
	const count = snapshot.total === undefined ? `${snapshot.done}` : `${snapshot.done}/${snapshot.total}`;
	const percent = snapshot.fraction === undefined ? '' : ` ${Math.floor(snapshot.fraction * 100)}%`;
	const counts = `${count}${unit && snapshot.total === undefined ? ` ${unit}` : ''}${percent}`;
	if (snapshot.rate === undefined) return counts;
	const rate = ` ${snapshot.rate >= 10 ? Math.round(snapshot.rate) : snapshot.rate.toFixed(1)}${unit ? ` ${unit}` : ''}/s`;
	const eta = snapshot.etaSeconds === undefined ? '' : ` ETA ${formatDuration(snapshot.etaSeconds * 1000)}`;
	return `${counts}${rate}${eta} elapsed ${formatDuration(snapshot.elapsedMs)}`;
}

function bar(fraction: number | undefined, width = 20): string {
	if (fraction === undefined) return `[${'·'.repeat(width)}]`;
	const filled = Math.round(fraction * width);
	return `[${'█'.repeat(filled)}${'·'.repeat(width - filled)}]`;
}
