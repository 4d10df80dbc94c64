import type {MonarchEvent} from './events.js';

/**
 * The one line each recovery event reads as, for the CLI and the TUI alike:
 * a lock taken from a dead holder.
 */
export function describeRecovery(event: Extract<MonarchEvent, {type: 'lock:taken-over'}>): string {
	switch (event.type) {
		case 'lock:taken-over': {
			const why = event.reason === 'gone' ? 'which is gone' : `whose lease expired at ${event.expiredAt.toISOString()}`;
			return `Took over the ${event.lock} lock from ${event.holder}, ${why}`;
		}
	}
}
