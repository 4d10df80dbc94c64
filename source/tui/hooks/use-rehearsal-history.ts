import {useCallback, useEffect, useState} from 'react';
import type {ProjectConfig} from '../../core/config/index.js';
import {describeError} from '../../core/errors.js';
import type {StoredRehearsal} from '../../core/rehearse/index.js';

/** The rehearsal history's data: the stored reports newest first, the warnings of the read (a report skipped, a store not listed), or why it failed. */
export type RehearsalHistory = {
	rehearsals: StoredRehearsal[] | undefined;
	warnings: string[];
	loading: boolean;
	error: string | undefined;
	reload: () => void;
};

/**
 * Reads the stored rehearsal reports of `environment` in the background
 * (listRehearsals; the core loads on first use): on mount, when `settled`
 * moves (a job ended: a rehearsal may have stored one) and on reload. The
 * last list stays shown while it is read again; a read made stale by a newer
 * one is aborted and its answer dropped.
 */
export function useRehearsalHistory(config: ProjectConfig, environment: string, settled: number): RehearsalHistory {
	const [state, setState] = useState<Omit<RehearsalHistory, 'reload'>>({
		rehearsals: undefined,
		warnings: [],
		loading: true,
		error: undefined,
	});
	const [generation, setGeneration] = useState(0);
	useEffect(() => {
		const controller = new AbortController();
		const alive = () => !controller.signal.aborted;
		const warnings: string[] = [];
		setState(previous => ({...previous, loading: true, error: undefined}));
		import('../../core/rehearse/index.js')
			.then(async ({listRehearsals}) =>
				listRehearsals(config, environment, {
					signal: controller.signal,
					events(event) {
						if (event.type === 'log' && event.level === 'warn') warnings.push(event.message);
					},
				}),
			)
			.then(
				rehearsals => {
					if (alive()) setState({rehearsals, warnings, loading: false, error: undefined});
				},
				(error: unknown) => {
					if (alive()) setState(previous => ({...previous, warnings, loading: false, error: describeError(error)}));
				},
			);
		return () => controller.abort();
	}, [config, environment, settled, generation]);
	const reload = useCallback(() => setGeneration(value => value + 1), []);
	return {...state, reload};
}
