import type {InterruptedSwap} from './interrupted-swap.js';

/**
 * Typed events that long operations in the core emit. The CLI prints them as
 * lines and bars; the TUI renders them as progress bars and a log pane.
 */
export type MonarchEvent =
	| {type: 'log'; level: 'info' | 'warn' | 'debug'; message: string; source?: string}
	| {type: 'progress'; task: string; done: number; total?: number; unit?: string}
	| {type: 'migration:start'; key: string; environment: string}
	| {type: 'migration:end'; key: string; environment: string; state: 'Completed' | 'Failed'; durationMs: number; error?: string}
	| {type: 'lock:waiting'; holder: string; since: Date}
	| {type: 'lock:acquired'}
	/** A lock was taken from a holder whose lease expired, or whose process is gone from this machine. */
	| {type: 'lock:taken-over'; lock: string; holder: string; reason: 'gone' | 'expired'; expiredAt: Date}
	/** The swap of a restore or copy killed during it was finished (`label` is absent for journals of older monarch). */
	| {type: 'swap:recovered'; runId: string; label: string | undefined; startedAt: Date; collections: number; dropped: string[]}
	/** A read-only command found the database half-swapped by a restore or copy killed during its swap. */
	| {type: 'swap:interrupted'; swap: InterruptedSwap};

export type EventSink = (event: MonarchEvent) => void;

/** An event sink that drops everything. */
export const ignoreEvents: EventSink = () => {};

/** The options every long core operation takes. */
export type OperationOptions = {
	events?: EventSink;
	signal?: AbortSignal;
};
