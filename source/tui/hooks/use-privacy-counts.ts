import {useCallback, useEffect, useState} from 'react';
import type {ProjectConfig} from '../../core/config/index.js';
import {describeError} from '../../core/errors.js';
import type {PrivacyCountsEntry} from '../state/privacy-lines.js';

/** The privacy counts of every personal-data environment, by name, and a call to read them again. */
export type PrivacyCounts = {get: (name: string) => PrivacyCountsEntry | undefined; refresh: () => void};

/**
 * Reads, in the background, how many observed paths of each personal-data
 * environment (`personalData: true`) monarch.json classifies
 * (classificationCounts: a small read-only sample): on mount, whenever the
 * config or `generation` changes (a job ended, monarch.json was read again)
 * and on refresh. The core module loads on first use, after the first frame;
 * a failure is that environment's entry (`failed`), never thrown. A read
 * still running when a newer one starts is aborted and its answer dropped.
 */
export function usePrivacyCounts(config: ProjectConfig, generation: number): PrivacyCounts {
	const [entries, setEntries] = useState<Map<string, PrivacyCountsEntry>>(new Map());
	const [refreshes, setRefreshes] = useState(0);
	useEffect(() => {
		const personal = config.environments.filter(environment => environment.personalData);
		if (personal.length === 0) return;
		const controller = new AbortController();
		// The last counts stay on screen while they are read again; only a first read says `reading`.
		setEntries(previous => new Map(personal.map(environment => [environment.name, previous.get(environment.name) ?? {state: 'reading'}])));
		const loaded = import('../../core/scrub/index.js');
		for (const environment of personal) {
			void loaded
				.then(async ({classificationCounts}) => classificationCounts({config, environment: environment.name, signal: controller.signal}))
				.then(
					(counts): PrivacyCountsEntry => ({state: 'read', counts}),
					(error: unknown): PrivacyCountsEntry => ({state: 'failed', error: describeError(error)}),
				)
				.then(entry => {
					if (!controller.signal.aborted) setEntries(previous => new Map(previous).set(environment.name, entry));
				});
		}

		return () => controller.abort();
	}, [config, generation, refreshes]);
	const get = useCallback((name: string) => entries.get(name), [entries]);
	const refresh = useCallback(() => setRefreshes(value => value + 1), []);
	return {get, refresh};
}
