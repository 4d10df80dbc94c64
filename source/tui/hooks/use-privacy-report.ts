import {useCallback, useEffect, useState} from 'react';
import type {ProjectConfig} from '../../core/config/index.js';
import {describeError} from '../../core/errors.js';
import type {ScrubSuggestResult} from '../../core/scrub/index.js';

/** The privacy view's data: scrub_suggest's result, or where the reading is, or why it failed. */
export type PrivacyReport = {
	result: ScrubSuggestResult | undefined;
	/** The collection being sampled and how far, while reading. */
	reading: {task: string; done: number; total: number | undefined} | undefined;
	error: string | undefined;
	reload: () => void;
};

/**
 * Reads scrub_suggest's result for `environment` in the background (its
 * default sample, read-only; the core loads on first use): on mount, when the
 * config changes (monarch.json read again after --write) and on reload. The
 * last result stays shown while it is read again; a read made stale by a
 * newer one is aborted and its answer dropped.
 */
export function usePrivacyReport(config: ProjectConfig, environment: string): PrivacyReport {
	const [state, setState] = useState<Omit<PrivacyReport, 'reload'>>({
		result: undefined,
		reading: {task: 'starting', done: 0, total: undefined},
		error: undefined,
	});
	const [generation, setGeneration] = useState(0);
	useEffect(() => {
		const controller = new AbortController();
		const alive = () => !controller.signal.aborted;
		setState(previous => ({...previous, reading: {task: 'starting', done: 0, total: undefined}, error: undefined}));
		import('../../core/scrub/index.js')
			.then(async ({suggestScrub}) =>
				suggestScrub({
					config,
					environment,
					signal: controller.signal,
					events(event) {
						if (event.type === 'progress' && alive())
							setState(previous => ({
								...previous,
								reading: {task: event.task.replace(/^sample /, ''), done: event.done, total: event.total},
							}));
					},
				}),
			)
			.then(
				result => {
					if (alive()) setState({result, reading: undefined, error: undefined});
				},
				(error: unknown) => {
					if (alive()) setState(previous => ({...previous, reading: undefined, error: describeError(error)}));
				},
			);
		return () => controller.abort();
	}, [config, environment, generation]);
	const reload = useCallback(() => setGeneration(value => value + 1), []);
	return {...state, reload};
}
