import path from 'node:path';
import {describeError, isMonarchError} from '../../core/errors.js';
import type {TuiServices} from '../context.js';

/** `g`: asks a name in a form, then writes the new migration file. */
export async function generateFromForm(tui: TuiServices, reload: () => void): Promise<void> {
	try {
		const answer = await tui.prompter.text({key: 'name', message: 'Name of the new migration (e.g. add_indexes_to_users):'});
		const {generateMigration} = await import('../../core/migrations/index.js');
		const generated = await generateMigration(tui.config, answer);
		tui.toast(`Wrote ${path.relative(tui.config.root, generated.file)}: edit its run(), then m runs it`);
		reload();
	} catch (error) {
		if (isMonarchError(error) && error.code === 'cancelled') return;
		tui.showModal({title: 'Cannot generate the migration', tone: 'error', lines: [describeError(error)]});
	}
}
