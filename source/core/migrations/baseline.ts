import type {ProjectConfig} from '../config/load.js';
import {confirmProtected} from '../confirm.js';
import {connect} from '../connection.js';
import {findEnvironment} from '../environments.js';
import {MonarchError} from '../errors.js';
import {ignoreEvents, type OperationOptions} from '../events.js';
import {counted} from '../plural.js';
import type {Prompter} from '../prompts.js';
import {monarchVersion, runnerIdentity} from '../version.js';
import {discoverMigrations} from './discover.js';
import {history, readHistory} from './history.js';
import {acquireMigrationsLock} from './list.js';

export type MarkAppliedOptions = OperationOptions & {
	config: ProjectConfig;
	environment: string;
	/** The migrations to mark; empty with `all`. */
	keys: string[];
	/** Mark every migration that is not Completed. */
	all?: boolean | undefined;
	yes?: boolean | undefined;
	prompter: Prompter;
};

export type MarkAppliedResult = {
	environment: string;
	/** The keys recorded as Completed with `baseline: true`, in migration order. */
	marked: string[];
	/** Keys asked for that were already Completed: left as they are. */
	alreadyCompleted: string[];
};

/**
 * Records migrations as Completed without loading or running their code (a
 * database restored from a snapshot, or migrations applied by hand), so that
 * `migrate` skips them. Each history entry gets `baseline: true`, the file's
 * checksum, and the key as its `name` (the class is never loaded).
 * - Every key must name a migration file, else a `not-found` error before connecting; nothing is written.
 * - Keys already Completed are left untouched (reported in `alreadyCompleted`).
 * - Confirmed like `migrate` on a protected environment; writes under the migrations lock,
 *   deciding again under it what is still not Completed.
 */
export async function markApplied(options: MarkAppliedOptions): Promise<MarkAppliedResult> {
	const {config} = options;
	const events = options.events ?? ignoreEvents;
	const environment = findEnvironment(config.environments, options.environment, config.displayFile);
	if (options.all && options.keys.length > 0) {
		throw new MonarchError('usage', 'Pass either migration keys or --all, not both', {
			hint: `see \`monarch list_migrations ${environment.name}\` for the keys`,
		});
	}

	if (!options.all && options.keys.length === 0) {
		throw new MonarchError('usage', 'No migration to mark: pass one or more keys, or --all', {
			hint: `see \`monarch list_migrations ${environment.name}\` for the keys`,
		});
	}

	const files = await discoverMigrations(config.migrationsDir);
	const known = new Set(files.map(file => file.key));
	const unknown = options.keys.filter(key => !known.has(key));
	if (unknown.length > 0) {
		throw new MonarchError(
			'not-found',
			`No migration ${unknown.map(key => `"${key}"`).join(', ')} in ${config.migrationsDir}; nothing was marked`,
			{
				hint: `see the keys with \`monarch list_migrations ${environment.name}\``,
			},
		);
	}

	const wanted = (entries: Awaited<ReturnType<typeof readHistory>>) =>
		files.filter(file => (options.all || options.keys.includes(file.key)) && entries.get(file.key)?.state !== 'Completed');
	const connection = await connect(environment, {access: 'write', lock: config.lock, events, signal: options.signal});
	try {
		const planned = wanted(await readHistory(connection.db));
		if (planned.length > 0) {
			await confirmProtected(
				environment,
				`Mark ${counted(planned.length, 'migration')} as applied without running ${planned.length === 1 ? 'it' : 'them'}`,
				{
					yes: options.yes,
					prompter: options.prompter,
				},
			);
		}

		const lock = await acquireMigrationsLock(connection.db, config.lock, events, options.signal);
		try {
			const entries = await readHistory(connection.db);
			const toMark = wanted(entries);
			const now = new Date();
			for (const file of toMark) {
				await history(connection.db).updateOne(
					{_id: file.key},
					{
						$set: {
							name: file.key,
							state: 'Completed',
							startedAt: now,
							finishedAt: now,
							checksum: file.checksum,
							ranBy: runnerIdentity(),
							monarchVersion,
							lockToken: lock.token,
							baseline: true,
						},
						$unset: {durationMs: '', error: ''},
					},
					{upsert: true},
				);
			}

			const marked = new Set(toMark.map(file => file.key));
			return {
				environment: environment.name,
				marked: toMark.map(file => file.key),
				alreadyCompleted: options.keys.filter(key => !marked.has(key) && entries.get(key)?.state === 'Completed'),
			};
		} finally {
			await lock.release().catch(() => {});
		}
	} finally {
		await connection.close();
	}
}
