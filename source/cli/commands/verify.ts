import {type Command, Option} from 'commander';
import {formatBytes} from '../../core/format.js';
import {counted} from '../../core/plural.js';
import type {CliContext} from '../context.js';

/** Registers `verify`: checks a backup without loading it. */
export function registerVerifyCommand(program: Command, context: () => CliContext): void {
	program
		.command('verify')
		.argument('<backup>', 'a backup (see `monarch list_backups`)')
		.description('check a backup against its manifest (sha256, size, every CRC and count, index definitions) without loading it')
		.addOption(new Option('--from <location>', 'look for the backup only there').choices(['local', 's3']))
		.addHelpText('after', '\nExamples:\n  monarch verify shop__2026_11_23.archive.gz\n  monarch verify shop__2026_11_23 --from s3')
		.action(async (backup: string, options: {from?: 'local' | 's3'}) => {
			const {config, events, signal, print} = context();
			const {verifyStoredBackup} = await import('../../core/backups/index.js');
			const result = await verifyStoredBackup({config: await config(), backup, from: options.from, events, signal});
			events.finish();
			print(
				`Verified ${result.store}${result.archive}: ${counted(result.collections, 'collection')}, ${counted(result.documents, 'document')} (${formatBytes(result.documentBytes)} of BSON), ${formatBytes(result.bytes)} archive; its sha256, size, every CRC and count and its index definitions match the manifest`,
			);
		});
}
