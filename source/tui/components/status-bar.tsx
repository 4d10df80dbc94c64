import {Box, Text} from 'ink';
import type {Environment} from '../../core/environments/index.js';
import {formatBytes} from '../../core/format.js';
import {counted} from '../../core/plural.js';
import type {StatusEntry} from '../hooks/use-environment-statuses.js';
import {clip} from './text.js';

/** A status's short text and colour: `connected 3 ms`, `unreachable`, `checking…`, `half-swapped: run … to finish it`, `connected 3 ms, 1 abandoned scratch database`. */
export function describeStatus(status: StatusEntry | undefined): {text: string; color: string} {
	if (status === undefined || status.checking) return {text: 'checking…', color: 'yellow'};
	if (!status.reachable) return {text: 'unreachable', color: 'red'};
	if (status.interruptedSwap) return {text: `half-swapped: run ${status.interruptedSwap.finishWith} to finish it`, color: 'red'};
	const connected = `connected ${Math.max(1, Math.round(status.latencyMs))} ms`;
	const abandoned = status.abandonedScratch?.length ?? 0;
	// Left by killed rehearsals on this server; the next command that writes there drops them.
	if (abandoned > 0) return {text: `${connected}, ${counted(abandoned, 'abandoned scratch database')}`, color: 'yellow'};
	return {text: connected, color: 'green'};
}

/** The selected environment (red when protected), its database and connection state. */
export function StatusBar({
	environment,
	status,
	width,
}: {
	environment: Environment | undefined;
	status: StatusEntry | undefined;
	width: number;
}) {
	if (!environment) {
		return (
			<Box width={width}>
				<Text dimColor>no environment selected</Text>
			</Box>
		);
	}

	const connection = describeStatus(status);
	const size =
		status && !status.checking && status.reachable ? `  ${counted(status.collections, 'collection')}, ${formatBytes(status.dataSize)}` : '';
	return (
		<Box width={width}>
			<Text wrap="truncate">
				<Text inverse color={environment.protected ? 'red' : 'green'} bold>{` ${environment.name} `}</Text>
				{environment.protected ? <Text color="red"> protected</Text> : null}
				<Text>
					{' '}
					{clip(environment.database, 24)}
					{'  '}
				</Text>
				<Text color={connection.color}>● {connection.text}</Text>
				<Text dimColor>{size}</Text>
			</Text>
		</Box>
	);
}
