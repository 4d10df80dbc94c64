import {Command} from 'commander';
import {monarchVersion} from '../core/version.js';
import {registerBackupCommands} from './commands/backups.js';
import {registerListBackupsCommand} from './commands/backups-list.js';
import {registerPruneBackupsCommand} from './commands/backups-prune.js';
import {registerMarkAppliedCommand} from './commands/baseline.js';
import {registerEnvironmentCommands} from './commands/environments.js';
import {registerMigrationCommands} from './commands/migrations.js';
import {registerProjectCommands} from './commands/project.js';
import {registerQuerySetCommands} from './commands/querysets.js';
import {registerReferencesCommands} from './commands/references.js';
import {registerRehearseCommand} from './commands/rehearse.js';
import {registerScrubAuditCommand} from './commands/scrub-audit.js';
import {registerScrubPreviewCommand} from './commands/scrub-preview.js';
import {registerScrubSuggestCommand} from './commands/scrub-suggest.js';
import {registerUnlockCommand} from './commands/unlock.js';
import {registerVerifyCommand} from './commands/verify.js';
import {type CliContext, createContext} from './context.js';

/** The whole command line, with every command registered. */
export function createProgram(signal: AbortSignal): Command {
	const program = new Command();
	program
		.name('monarch')
		.description('A MongoDB utility belt: TypeScript migrations, backups, restores and environment copies.')
		.version(monarchVersion, '-V, --version')
		.option('-c, --config <path>', 'use this monarch.json instead of searching upwards')
		.option('--verbose', 'print stack traces and debug lines')
		.showHelpAfterError('(run with --help for usage)')
		.exitOverride()
		.configureOutput({writeErr: text => process.stderr.write(text)})
		.addHelpText('after', '\nCommand names also work in kebab-case (list-migrations). Run `monarch <command> --help` for details.');

	let context: CliContext | undefined;
	const getContext = () => (context ??= createContext(program.opts(), signal));
	registerProjectCommands(program, getContext);
	registerEnvironmentCommands(program, getContext);
	registerMigrationCommands(program, getContext);
	registerMarkAppliedCommand(program, getContext);
	registerRehearseCommand(program, getContext);
	registerUnlockCommand(program, getContext);
	registerBackupCommands(program, getContext);
	registerListBackupsCommand(program, getContext);
	registerPruneBackupsCommand(program, getContext);
	registerVerifyCommand(program, getContext);
	registerQuerySetCommands(program, getContext);
	registerScrubPreviewCommand(program, getContext);
	registerScrubSuggestCommand(program, getContext);
	registerScrubAuditCommand(program, getContext);
	registerReferencesCommands(program, getContext);
	return program;
}
