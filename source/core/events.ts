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
	| {type: 'lock:taken-over'; lock: string; holder: string; reason: 'gone' | 'expired'; expiredAt: Date};

export type EventSink = (event: MonarchEvent) => void;

/** An event sink that drops everything. */
export const ignoreEvents: EventSink = () => {};

/** The options every long core operation takes. */
export type OperationOptions = {
	events?: EventSink;
	signal?: AbortSignal;
};
