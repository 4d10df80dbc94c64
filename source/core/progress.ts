import makeEta from 'simple-eta';

/**
 * When a rate (and so an ETA) means something: the meter has had more than
 * one update (a rate needs two points in time) and at least `minSpanMs`
 * between its first and its latest update. Before that, a first batch
 * loaded in 1 ms would read as 1,000,000 docs/s, and a 40-document job done
 * in a few ms as 40.0k docs/s with an ETA of 0 ms: `rate` and `etaSeconds`
 * stay undefined and the CLI and the TUI show counts only.
 *
 * The rate itself is measured over steps of at least `stepMs`: updates that
 * come closer together (batches in a burst) are added into the next step,
 * so no step of a few ms makes the rate jump.
 */
export const meaningfulSample = {minUpdates: 2, minSpanMs: 1000, stepMs: 250} as const;

/** Counts, rate and ETA of one task, for the CLI's bars and the TUI's. */
export type ProgressSnapshot = {
	done: number;
	total: number | undefined;
	/** Units per second, smoothed over the updates; undefined until the sample is meaningful (see meaningfulSample). */
	rate: number | undefined;
	/** Seconds left; undefined until the sample is meaningful, when the total is unknown, when nothing moves, and once done. */
	etaSeconds: number | undefined;
	/** Since the task's first update (the work before it is not seen by the meter). */
	elapsedMs: number;
	fraction: number | undefined;
};

export type ProgressMeter = {
	update: (done: number, total?: number) => ProgressSnapshot;
};

/**
 * Tracks one task's progress. The rate is simple-eta's smoothed rate over
 * steps of the updates (times read from `now`, so tests fix them); the ETA is
 * what is left at that rate. Both are given only once the sample is
 * meaningful (see meaningfulSample).
 */
export function createProgressMeter(now: () => number = Date.now): ProgressMeter {
	const eta = makeEta({min: 0, max: Number.MAX_SAFE_INTEGER, historyTimeConstant: 5});
	let firstAt: number | undefined;
	let reportedAt: number | undefined;
	let updates = 0;
	return {
		update(done, total) {
			const at = now();
			firstAt ??= at;
			updates++;
			if (reportedAt === undefined || at - reportedAt >= meaningfulSample.stepMs) {
				eta.report(done, at);
				reportedAt = at;
			}

			const elapsedMs = at - firstAt;
			const meaningful = updates >= meaningfulSample.minUpdates && elapsedMs >= meaningfulSample.minSpanMs;
			const rate = meaningful ? Math.max(0, eta.rate()) : undefined;
			const left = total === undefined ? undefined : total - done;
			return {
				done,
				total,
				rate,
				etaSeconds: rate !== undefined && rate > 0 && left !== undefined && left > 0 ? left / rate : undefined,
				elapsedMs,
				fraction: total ? Math.min(1, done / total) : undefined,
			};
		},
	};
}

/** `1.2 s`, `3 min 4 s`, `45 ms`. */
export function formatDuration(ms: number): string {
	if (ms < 1000) return `${Math.round(ms)} ms`;
	const seconds = ms / 1000;
	if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
	const minutes = Math.floor(seconds / 60);
	if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
	return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
