import type {MonarchEvent} from './events.js';
import {counted} from './plural.js';
import type {AbandonedScratch} from './scratch-databases.js';

/** The events that say what a command found or cleaned up after a killed run. */
export type RecoveryEvent = 'lock:taken-over' | 'swap:recovered' | 'swap:interrupted' | 'scratch:dropped' | 'scratch:abandoned';

/**
 * The one line each recovery event reads as, for the CLI and the TUI alike:
 * a lock taken from a dead holder, a swap finished after a killed run, a
 * database found half-swapped by a read-only command, a scratch database
 * that a killed rehearsal left, dropped or found.
 */
export function describeRecovery(event: Extract<MonarchEvent, {type: RecoveryEvent}>): string {
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

		case 'scratch:dropped': {
			return `Dropped the scratch database ${event.database} left by ${leftBy(event)}`;
		}

		case 'scratch:abandoned': {
			const {databases} = event;
			const list = databases.map(scratch => `${scratch.database} (${leftBy(scratch)})`).join(', ');
			return `${counted(databases.length, 'abandoned scratch database')} on ${event.environment}'s server: ${list}; any writing command drops ${databases.length === 1 ? 'it' : 'them'}`;
		}
	}
}

/** `a rehearsal killed on host, pid 123`, or `a rehearsal on host (pid 123) whose lease expired at ...`. */
function leftBy(scratch: AbandonedScratch): string {
	const {host, pid} = scratch.owner;
	return scratch.reason === 'gone'
		? `a rehearsal killed on ${host}, pid ${pid}`
		: `a rehearsal on ${host} (pid ${pid}) whose lease expired at ${scratch.expiredAt.toISOString()}`;
}
