import type {MigrationMatrix} from '../../core/environments/index.js';
import type {MigrationState, MigrationsReport} from '../../core/migrations/index.js';
import {formatDuration} from '../../core/progress.js';
import {formatDate, formatShortDate} from '../components/text.js';

/** One line of the Migrations panel: a migration file, or a history entry whose file is gone. */
export type MigrationRow = {
	key: string;
	state: MigrationState;
	finishedAt: Date | undefined;
	durationMs: number | undefined;
	/** `changed` (drift), `file gone` (orphan), `interrupted`. */
	marks: string[];
	file: string | undefined;
	error: {message: string; stack?: string} | undefined;
};

/** The report's migrations, then its orphans. */
export function migrationRows(report: MigrationsReport): MigrationRow[] {
	const rows: MigrationRow[] = report.migrations.map(migration => ({
		key: migration.key,
		state: migration.state,
		finishedAt: migration.finishedAt,
		durationMs: migration.durationMs,
		marks: [...(migration.drift ? ['changed'] : []), ...(migration.interrupted ? ['interrupted'] : [])],
		file: migration.file,
		error: migration.error,
	}));
	for (const orphan of report.orphans) {
		rows.push({
			key: orphan._id,
			state: orphan.state,
			finishedAt: orphan.finishedAt,
			durationMs: orphan.durationMs,
			marks: ['file gone'],
			file: undefined,
			error: orphan.error,
		});
	}

	return rows;
}

/** The cells of a row: state, key, finished at (`now` tells this year's dates), duration, marks. */
export function migrationCells(row: MigrationRow, now = new Date()): string[] {
	return [
		row.state,
		row.key,
		formatShortDate(row.finishedAt, now),
		row.durationMs === undefined ? '-' : formatDuration(row.durationMs),
		row.marks.join(', '),
	];
}

/** The details modal's lines; a failure shows its message and stack. */
export function migrationDetails(row: MigrationRow, environment: string): string[] {
	const lines = [
		`state       ${row.state}${row.marks.length > 0 ? ` (${row.marks.join(', ')})` : ''} on ${environment}`,
		`file        ${row.file ?? '(gone: only the history entry is left)'}`,
		`finished    ${formatDate(row.finishedAt)}`,
		`duration    ${row.durationMs === undefined ? '-' : formatDuration(row.durationMs)}`,
	];
	if (row.marks.includes('changed')) lines.push('', 'The file changed since it ran: its checksum differs from the one recorded.');
	if (row.marks.includes('interrupted'))
		lines.push('', 'Interrupted: the process running it died. Check what it changed, then run it again (o).');
	if (row.error) {
		lines.push('', `error       ${row.error.message}`);
		if (row.error.stack) lines.push('', ...row.error.stack.split('\n'));
	}

	return lines;
}

const stateMarks: Record<MigrationState, string> = {New: '·', Processing: '⋯', Completed: '✔', Failed: '✘'};

/** The matrix as text rows: a header of environment names, then a mark per migration and environment. */
export function matrixLines(
	matrix: MigrationMatrix,
	keyWidth: number,
	cellWidth: number,
): {header: string; rows: Array<{key: string; cells: string[]}>} {
	const pad = (text: string) => {
		const cut = [...text].slice(0, cellWidth).join('');
		return cut + ' '.repeat(Math.max(0, cellWidth - [...cut].length));
	};

	const header = ' '.repeat(keyWidth + 1) + matrix.columns.map(column => pad(column.environment)).join(' ');
	const rows = matrix.keys.map(key => ({
		key,
		cells: matrix.columns.map(column =>
			pad(column.states === undefined ? '?' : column.states.has(key) ? stateMarks[column.states.get(key) ?? 'New'] : ' '),
		),
	}));
	return {header, rows};
}
