import {useCallback, useEffect, useRef, useState} from 'react';
import {describeError} from '../../core/errors.js';

/** The result of a background load: the last data, its error, and whether a load is under way. */
export type AsyncState<T> = {data: T | undefined; error: string | undefined; loading: boolean; reload: () => void};

/**
 * Runs `load` in the background whenever `key` changes (and on reload),
 * never blocking the UI; a late answer for an older key is dropped.
 */
export function useAsync<T>(load: () => Promise<T>, key: string): AsyncState<T> {
	const [state, setState] = useState<{data: T | undefined; error: string | undefined; loading: boolean}>({
		data: undefined,
		error: undefined,
		loading: true,
	});
	const [generation, setGeneration] = useState(0);
	const latest = useRef(0);
	const loadRef = useRef(load);
	loadRef.current = load;
	useEffect(() => {
		const ticket = ++latest.current;
		let alive = true;
		setState(previous => ({...previous, loading: true}));
		loadRef.current().then(
			data => {
				if (alive && ticket === latest.current) setState({data, error: undefined, loading: false});
			},
			(error: unknown) => {
				if (alive && ticket === latest.current) setState({data: undefined, error: describeError(error), loading: false});
			},
		);
		return () => {
			alive = false;
		};
	}, [key, generation]);
	const reload = useCallback(() => setGeneration(value => value + 1), []);
	return {...state, reload};
}
