import path from 'node:path';
import type {Environment} from '../../core/environments.js';
import {MonarchError, describeError, isMonarchError} from '../../core/errors.js';
import {generateMigration} from '../../core/migrations/generate.js';
import {migrate, migrateOne} from '../../core/migrations/run.js';
import {formatDuration} from '../../core/progress.js';
import type {TuiServices} from '../context.js';
import type {MigrationRow} from '../state/migration-rows.js';
import {counted} from '../../core/plural.js';

/** `m`: runs every pending migration of `environment` as a job (the core asks for the name when protected). */
export function migratePending(tui: TuiServices, environment: string, pending: number | undefined, reload: () => void): void {
	tui.startJob({
		title: `Migrate ${environment}`,
		steps: pending,
		run: async ({events, signal, prompter}) => migrate({config: tui.config, environment, prompter, events, signal}),
		summary(result) {
			if (result.ran.length === 0) return `Nothing to migrate on ${environment}`;
			const total = formatDuration(result.ran.reduce((sum, ran) => sum + ran.durationMs, 0));
			return `Ran ${counted(result.ran.length, 'migration')} on ${environment} in ${total}`;
		},
		onSettled: reload,
	});
}

/** `o`: runs one migration whatever its state, after a yes/no (or, when protected, the typed name the core asks for). */
export function runOneMigration(tui: TuiServices, environment: Environment, row: MigrationRow, reload: () => void): void {
	if (row.file === undefined) {
		tui.toast(`${row.key} has no file left to run`, 'error');
		return;
	}

	const {key} = row;
	tui.startJob({
		title: `Run ${key} on ${environment.name}`,
		steps: 1,
		async run({events, signal, prompter}) {
			if (!environment.protected) {
				const yes = await prompter.confirm({key: 'confirm', message: `Run ${key} on ${environment.name} whatever its state (${row.state})?`, default: false});
				if (!yes) throw new MonarchError('refused', `Not confirmed: run ${key} on "${environment.name}"; nothing was changed`);
			}

			return migrateOne({config: tui.config, environment: environment.name, key, prompter, events, signal});
		},
		summary: result => `Ran ${key} on ${environment.name} in ${formatDuration(result.ran[0]?.durationMs ?? 0)}`,
		onSettled: reload,
	});
}

/** `g`: asks a name in a form, then writes the new migration file. */
export async function generateFromForm(tui: TuiServices, reload: () => void): Promise<void> {
	try {
		const answer = await tui.prompter.text({key: 'name', message: 'Name of the new migration (e.g. add_indexes_to_users):'});
		const generated = await generateMigration(tui.config, answer);
		tui.toast(`Wrote ${path.relative(tui.config.root, generated.file)}: edit its run(), then m runs it`);
		reload();
	} catch (error) {
		if (isMonarchError(error) && error.code === 'cancelled') return;
		tui.showModal({title: 'Cannot generate the migration', tone: 'error', lines: [describeError(error)]});
	}
}
