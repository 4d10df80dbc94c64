import makeEta from 'simple-eta';

/** Counts, rate and ETA of one task, for the CLI's bars and the TUI's. */
export type ProgressSnapshot = {
	done: number;
	total: number | undefined;
	/** Units per second, smoothed. */
	rate: number;
	/** Seconds left, or undefined when unknown. */
	etaSeconds: number | undefined;
	elapsedMs: number;
	fraction: number | undefined;
};

export type ProgressMeter = {
	update: (done: number, total?: number) => ProgressSnapshot;
};

/** Tracks one task's progress; rate and ETA come from simple-eta's smoothed history. */
export function createProgressMeter(now: () => number = Date.now): ProgressMeter {
	const startedAt = now();
	let eta: ReturnType<typeof makeEta> | undefined;
	let etaTotal: number | undefined;
	return {
		update(done, total) {
			if (total !== undefined && total > 0 && total !== etaTotal) {
				eta = makeEta({min: 0, max: total, historyTimeConstant: 5});
				etaTotal = total;
			}

			eta?.report(Math.min(done, total ?? done));
			const elapsedMs = Math.max(1, now() - startedAt);
			const smoothed = eta?.rate();
			const rate = smoothed !== undefined && Number.isFinite(smoothed) && smoothed > 0 ? smoothed : (done * 1000) / elapsedMs;
			const estimate = eta?.estimate();
			return {
				done,
				total,
				rate,
				etaSeconds: estimate !== undefined && Number.isFinite(estimate) ? Math.max(0, estimate) : undefined,
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
