import type {PhaseEvent} from './events.js';
import {formatBytes} from './format.js';
import {counted} from './plural.js';
import {formatDuration} from './progress.js';
import {describeRecovery} from './recovery-lines.js';

/** A phase event as one line for people: `debug` lines are shown only with --verbose (the CLI) or as dim lines (the TUI). */
export type PhaseLine = {level: 'info' | 'warn' | 'debug'; text: string};

/**
 * The one line each phase of a backup, restore or copy reads as, for the CLI
 * and the TUI alike (the wording users and tests have read since before
 * these were typed events).
 */
export function describePhase(event: PhaseEvent): PhaseLine {
	switch (event.type) {
		case 'backup:started':
			return {level: 'info', text: `Backing up ${event.environment} (database ${event.database}) to ${event.store}${event.archive}`};
		case 'dump:collection-split':
			return {
				level: 'debug',
				text: `${event.collection}: ${counted(event.documents, 'document')} read by ${event.ranges} cursors over _id ranges`,
			};
		case 'restore:verified':
			return {
				level: 'info',
				text: `Verified: ${counted(event.collections, 'collection')}, ${counted(event.documents, 'document')}, ${formatBytes(event.bytes)}, sha256 ${event.sha256.slice(0, 12)}...`,
			};
		case 'restore:safety-backup':
			return {level: 'info', text: `Safety backup of ${event.environment}: ${event.store}${event.archive}`};
		case 'migrate:safety-backup':
			return {level: 'info', text: `Safety backup of ${event.environment} before migrating: ${event.store}${event.archive}`};
		case 'staging:collection-loaded':
			return {level: 'debug', text: `${event.collection}: ${counted(event.documents, 'document')} loaded`};
		case 'staging:indexes-built':
			return {level: 'debug', text: `${event.collection}: ${counted(event.indexes, 'index', 'indexes')} built in ${event.durationMs} ms`};
		case 'staging:recovered':
			return {level: 'info', text: `Dropped ${counted(event.collections.length, 'staging collection')} left by an interrupted run`};
		case 'swap:started':
			return {level: 'debug', text: `${event.label}: swapping ${counted(event.collections, 'collection')} into place`};
		case 'swap:dropped':
			return {level: 'info', text: `Dropped ${event.collections.join(', ')} (not in the source)`};
		case 'swap:finished':
			return {level: 'debug', text: `${event.label}: swap finished, ${counted(event.collections, 'collection')} in place`};
		case 'rehearse:copied':
			return {
				level: 'info',
				text: `Copied ${event.source} into ${event.database} on ${event.environment}'s server: ${counted(event.collections, 'collection')}, ${counted(event.documents, 'document')} in ${formatDuration(event.durationMs)}`,
			};
		case 'rehearse:dropped':
			return {level: 'info', text: `Dropped the scratch database ${event.database}`};
		case 'rehearse:kept':
			return {level: 'info', text: `Kept the scratch database ${event.database}`};
		case 'rehearse:stored':
			return {level: 'info', text: `Report stored: ${event.store}${event.object}`};
		case 'swap:recovered':
		case 'swap:interrupted':
			return {level: 'warn', text: describeRecovery(event)};
	}
}
