import {useCallback, useEffect, useMemo, useRef, useState} from 'react';
import type {Environment, EnvironmentStatus} from '../../core/environments/index.js';

/** An environment's status as the UI knows it: still checking, or what the ping found. */
export type StatusEntry = {checking: true; last: EnvironmentStatus | undefined} | ({checking: false} & EnvironmentStatus);

export type EnvironmentStatuses = {
	get: (name: string) => StatusEntry | undefined;
	/** Pings one environment again, or all of them. */
	refresh: (name?: string) => void;
};

/** How often every environment is pinged again by itself (ms). */
export const statusRefreshMs = 30_000;

/** Pings every environment in the background on start, every 30 s and on refresh; the UI never waits for it. */
export function useEnvironmentStatuses(environments: Environment[], timeoutMs = 3000): EnvironmentStatuses {
	const [entries, setEntries] = useState<Map<string, StatusEntry>>(new Map());
	const alive = useRef(true);
	const environmentsRef = useRef(environments);
	environmentsRef.current = environments;

	const refresh = useCallback(
		(name?: string) => {
			const targets = environmentsRef.current.filter(environment => name === undefined || environment.name === name);
			setEntries(previous => {
				const next = new Map(previous);
				for (const environment of targets) {
					const old = previous.get(environment.name);
					next.set(environment.name, {checking: true, last: old === undefined ? undefined : old.checking ? old.last : old});
				}

				return next;
			});
			// The core's status module (and the driver it loads) come after the first frame: the rows show "checking…" until then.
			const loaded = import('../../core/environments/index.js');
			for (const environment of targets) {
				void loaded
					.then(async ({environmentStatus}) => environmentStatus(environment, {timeoutMs}))
					.then(status => {
						if (!alive.current) return;
						setEntries(previous => new Map(previous).set(environment.name, {checking: false, ...status}));
					});
			}
		},
		[timeoutMs],
	);

	useEffect(() => {
		alive.current = true;
		refresh();
		const timer = setInterval(() => refresh(), statusRefreshMs);
		return () => {
			alive.current = false;
			clearInterval(timer);
		};
	}, [refresh]);

	// While a ping runs again, the last answer stays on screen (no flicker every 30 s).
	const get = useCallback(
		(name: string): StatusEntry | undefined => {
			const entry = entries.get(name);
			return entry?.checking && entry.last ? {checking: false, ...entry.last} : entry;
		},
		[entries],
	);
	// The same object until an answer comes in, so what depends on it (the panels' services) does not change on every render.
	return useMemo(() => ({get, refresh}), [get, refresh]);
}
