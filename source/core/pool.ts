/**
 * The project's one worker pool for work that writes. Read-only fan-out
 * (listing a store's manifests) uses p-map directly. p-map rejects at the
 * first failure while the other tasks still run; that does not fit work
 * whose failure is followed by clean-up (dropping staging collections,
 * destroying a half-written archive): clean-up must not start while a task
 * still writes. So this pool waits for the running tasks to settle, starts
 * no new one after a failure, and only then throws the first error.
 */
export async function runSettled<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
	const queue = [...items];
	let failure: {error: unknown} | undefined;
	await Promise.all(
		Array.from({length: Math.min(limit, queue.length)}, async () => {
			while (!failure) {
				const item = queue.shift();
				if (item === undefined) return;
				try {
					await task(item);
				} catch (error) {
					failure ??= {error};
				}
			}
		}),
	);
	if (failure) throw failure.error;
}
