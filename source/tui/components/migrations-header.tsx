import {Box, Text} from 'ink';
import stringWidth from 'string-width';
import type {LockInfo} from '../../core/environments/index.js';
import {counted} from '../../core/plural.js';
import {keymap} from '../keymap.js';
import type {MigrationsState} from '../state/use-migrations-state.js';
import {clip, formatTime} from './text.js';

/** `locked by user@host pid N since HH:MM:SS, lease until HH:MM:SS` (local time; another day's times carry their date: lock times are the real clock's, `now` too), saying when its lease expired or its process is gone. */
export function lockLine(lock: LockInfo, now = new Date()): string {
	const {user, host, pid} = lock.holder;
	const lease = `lease ${lock.state === 'expired' ? 'expired at' : 'until'} ${formatTime(lock.expiresAt, now)}`;
	return `locked by ${user}@${host} pid ${pid} since ${formatTime(lock.acquiredAt, now)}, ${lease}${lock.state === 'gone' ? ', its process is gone' : ''}`;
}

const unlockHint = `${keymap.find(binding => binding.action === 'unlock')?.label ?? ''} unlocks`;

/** The Migrations panel's header: ◂ environment ▸, its database and counts; under it, while the migrations lock is held, its holder (read with the migrations, never polled). */
export function MigrationsHeader({state, width}: {state: Pick<MigrationsState, 'environment' | 'name' | 'report'>; width: number}) {
	const {environment, name, report} = state;
	const summary = report.data
		? `${counted(report.data.migrations.length, 'migration')}, ${report.data.pending} pending${report.data.orphans.length > 0 ? `, ${report.data.orphans.length} file gone` : ''}`
		: report.loading
			? 'reading…'
			: '';
	const lock = report.data?.lock;
	return (
		<>
			<Box height={1} overflow="hidden">
				<Text dimColor>environment </Text>
				<Text color="cyan">◂ </Text>
				<Text bold color={environment?.protected ? 'red' : 'green'}>
					{name}
				</Text>
				<Text color="cyan"> ▸</Text>
				<Text dimColor>
					{'  '}
					{environment?.database}
					{'  '}
				</Text>
				<Text>{summary}</Text>
			</Box>
			{lock ? <LockLine lock={lock} width={width} /> : null}
		</>
	);
}

/** The lock's holder, in red while its lease is live; `U unlocks` after it where the line has room (the help always lists `U`). */
function LockLine({lock, width}: {lock: LockInfo; width: number}) {
	const text = lockLine(lock);
	const hint = stringWidth(text) + 2 + unlockHint.length <= width;
	return (
		<Text wrap="truncate">
			<Text color={lock.state === 'live' ? 'red' : 'yellow'}>{clip(text, width)}</Text>
			{hint ? (
				<Text dimColor>
					{'  '}
					{unlockHint}
				</Text>
			) : null}
		</Text>
	);
}
