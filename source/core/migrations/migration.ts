import type {Db, MongoClient} from 'mongodb';

/** The brand that marks a class as a monarch migration (works across copies of monarch). */
export const migrationBrand = Symbol.for('monarch.migration');

/** What monarch hands a migration when it runs it. */
export type MigrationContext = {
	database: Db;
	client: MongoClient;
	environment: string;
	log: (message: string) => void;
	progress: (done: number, total?: number) => void;
	signal: AbortSignal;
};

/**
 * The base class of every migration. Write the change in `run()`; throw (or
 * let the driver throw) to fail it: monarch records the error and stops.
 *
 * ```ts
 * export default class AddIndexesToUserTableMigration extends MongoBackedMigration {
 *   async run() {
 *     await this.database.collection('users').createIndex({email: 1}, {unique: true});
 *   }
 * }
 * ```
 */
export abstract class MongoBackedMigration {
	static readonly [migrationBrand] = true;

	/** The environment's database. */
	readonly database: Db;
	/** The connected driver client, for work across databases. */
	readonly client: MongoClient;
	/** The environment's name, e.g. `development`. */
	readonly environment: string;
	/** Aborted when the user cancels; long loops may check it and stop early. */
	readonly signal: AbortSignal;
	readonly #context: MigrationContext;

	constructor(context: MigrationContext) {
		this.#context = context;
		this.database = context.database;
		this.client = context.client;
		this.environment = context.environment;
		this.signal = context.signal;
	}

	/** Writes a line to the run's log (the terminal, or the TUI's log pane). */
	log(message: string): void {
		this.#context.log(message);
	}

	/** Reports progress, e.g. `this.progress(done, total)` inside a loop. */
	progress(done: number, total?: number): void {
		this.#context.progress(done, total);
	}

	/** The migration itself. */
	abstract run(): Promise<void> | void;
}

/** The static side of a migration class, as found by its brand. */
export type MigrationClass = (new (
	context: MigrationContext,
) => {run(): Promise<void> | void}) & {
	readonly [migrationBrand]?: true;
};

export function isMigrationClass(value: unknown): value is MigrationClass {
	return typeof value === 'function' && (value as {[migrationBrand]?: unknown})[migrationBrand] === true;
}
