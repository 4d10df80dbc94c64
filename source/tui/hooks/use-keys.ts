import {type Key, useInput} from 'ink';
import {createContext, createElement, type ReactNode, useCallback, useContext, useLayoutEffect, useMemo, useRef} from 'react';
import {splitTypedAhead} from '../typed-ahead.js';

/** What a key handler gets: Ink's input text and key flags. */
export type KeyHandler = (input: string, key: Key) => void;

type Listener = {handler: {current: KeyHandler}; active: {current: boolean}};

/** Hands every key to the mounted `useKeys` handlers, in the order they mounted. */
type KeyRouter = {add: (listener: Listener) => () => void};

const KeyRouterContext = createContext<KeyRouter | undefined>(undefined);

/**
 * The app's one subscription to Ink's input (made once, when the app mounts)
 * and the raw mode that goes with it, for the app's whole life. Every
 * `useKeys` below it registers with it in the commit that mounts it. Keys
 * that arrived together are handed over one by one (see splitTypedAhead).
 */
export function KeysProvider({children}: {children: ReactNode}) {
	const listeners = useRef(new Set<Listener>());
	const router = useMemo<KeyRouter>(
		() => ({
			add(listener) {
				listeners.current.add(listener);
				return () => {
					listeners.current.delete(listener);
				};
			},
		}),
		[],
	);
	const route = useCallback<KeyHandler>((input, key) => {
		for (const one of splitTypedAhead(input, key)) {
			// A copy: a handler may unmount another one (nothing renders in between, but stay safe).
			for (const listener of [...listeners.current]) {
				if (listener.active.current) listener.handler.current(one.input, one.key);
			}
		}
	}, []);
	useInput(route);
	return createElement(KeyRouterContext.Provider, {value: router}, children);
}

/**
 * Calls `handler` for every key while `isActive` is true, as Ink's `useInput`
 * does, but never with an old handler and never late.
 *
 * Contract:
 * - The handler and `isActive` that run are those of the last committed
 *   render: they are kept in refs set in `useLayoutEffect`, which runs in the
 *   commit, before the new frame can be seen. So once a frame is on screen,
 *   the next key reaches that frame's handlers and sees its state (Ink's own
 *   `useInput` re-subscribes in a passive effect, so until that ran the
 *   previous frame's handler got the key, with stale state).
 * - Under `KeysProvider` a component's handler is registered in the commit
 *   that mounts it (a form takes keys as soon as it is drawn) and switching
 *   `isActive` takes effect in that commit too; one Ink subscription serves
 *   them all, so nothing re-subscribes. Handlers run in the order they mounted.
 * - Without a provider (a component rendered alone, as in a test), the hook
 *   subscribes itself once with a stable callback, which holds raw mode while
 *   it is mounted.
 * - Keys that reached the terminal together arrive one by one: text, then
 *   enter (splitTypedAhead), never `text\r` as one input.
 * - A key that arrives before the render caused by an earlier key still sees
 *   the earlier committed state: Ink renders after the key, not inside it.
 *   Handlers that must take a burst of keys correctly dispatch actions
 *   (reducers, functional updates) or keep their own running value in a ref,
 *   as `TextInput` does.
 */
export function useKeys(handler: KeyHandler, options: {isActive?: boolean} = {}): void {
	const isActive = options.isActive ?? true;
	const router = useContext(KeyRouterContext);
	const handlerRef = useRef(handler);
	const activeRef = useRef(isActive);
	useLayoutEffect(() => {
		handlerRef.current = handler;
		activeRef.current = isActive;
	});
	useLayoutEffect(() => router?.add({handler: handlerRef, active: activeRef}), [router]);
	const own = useCallback<KeyHandler>((input, key) => {
		for (const one of splitTypedAhead(input, key)) {
			if (activeRef.current) handlerRef.current(one.input, one.key);
		}
	}, []);
	useInput(own, {isActive: router === undefined});
}
