import type {MonarchEvent} from './events.js';
import {counted} from './plural.js';

/**
 * The one line each recovery event reads as, for the CLI and the TUI alike:
 * a lock taken from a dead holder, a swap finished after a killed run, a
 * database found half-swapped by a read-only command.
 */
export function describeRecovery(event: Extract<MonarchEvent, {type: 'lock:taken-over' | 'swap:recovered' | 'swap:interrupted'}>): string {
	switch (event.type) {
		case 'lock:taken-over': {
			const why = event.reason === 'gone' ? 'which is gone' : `whose lease expired at ${event.expiredAt.toISOString()}`;
			return `Took over the ${event.lock} lock from ${event.holder}, ${why}`;
		}

		case 'swap:recovered': {
			const dropped = event.dropped.length > 0 ? `, dropped ${event.dropped.join(', ')} (not in the source)` : '';
			const collections = counted(event.collections, 'collection');
			return `Finished the interrupted swap of ${event.label ?? 'a restore or copy'} (run ${event.runId}, started ${event.startedAt.toISOString()}): ${collections} in place${dropped}`;
		}

		case 'swap:interrupted': {
			const {swap} = event;
			return `Database ${swap.database} of ${swap.environment} is half-swapped: ${swap.run} (run ${swap.runId}, started ${swap.startedAt.toISOString()}) was killed during its swap; run \`${swap.finishWith}\` to finish it`;
		}
	}
}
