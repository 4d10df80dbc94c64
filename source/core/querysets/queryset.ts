import type {Db, Document} from 'mongodb';
import type {QuerySetPrompt} from './prompt.js';

/** The brand that marks a class as a monarch QuerySet (works across copies of monarch). */
export const querySetBrand = Symbol.for('monarch.queryset');

/** What monarch hands a QuerySet when it runs it. */
export type QuerySetContext = {
	/** The SOURCE environment's database. */
	database: Db;
	environment: string;
	signal: AbortSignal;
	prompt: QuerySetPrompt;
	log: (message: string) => void;
	/** Records a collection and its filter in the selection; rejects a bad name or filter. */
	dumpCollection: (name: string, filter: Document) => Promise<void>;
};

/**
 * The base class of every QuerySet: the part of a database that a backup or
 * copy_db takes. Pick it in `run()` with `dumpCollection`.
 *
 * ```ts
 * export default class AccountQuerySet extends QuerySet {
 *   async run() {
 *     const accountId = await this.prompt.number({message: 'Please enter an account id', key: 'accountId', integer: true});
 *     await this.dumpCollection('accounts', {_id: accountId});
 *     await this.dumpCollection('campaigns', {account_id: accountId});
 *   }
 * }
 * ```
 */
export abstract class QuerySet {
	static readonly [querySetBrand] = true;

	/** The source environment's database (read from it; the copy is made from the selection). */
	readonly database: Db;
	/** The source environment's name, e.g. `production`. */
	readonly environment: string;
	/** Aborted when the user cancels; long loops may check it and stop early. */
	readonly signal: AbortSignal;
	/**
	 * Questions for the user: `text`, `number`, `select`, `confirm`. Answered
	 * from `--param key=value`, a terminal prompt or a TUI form; `key` defaults
	 * to the message in camelCase.
	 */
	readonly prompt: QuerySetPrompt;
	readonly #context: QuerySetContext;

	constructor(context: QuerySetContext) {
		this.#context = context;
		this.database = context.database;
		this.environment = context.environment;
		this.signal = context.signal;
		this.prompt = context.prompt;
	}

	/**
	 * Takes the documents of `collection` matching `filter` (all of them when
	 * there is no filter). Called twice for one collection, it takes the
	 * documents matching either filter.
	 */
	async dumpCollection(collection: string, filter: Document = {}): Promise<void> {
		await this.#context.dumpCollection(collection, filter);
	}

	/** Writes a line to the run's log (the terminal, or the TUI's log pane). */
	log(message: string): void {
		this.#context.log(message);
	}

	/**
	 * Chooses the collections with `dumpCollection`. A QuerySet that declares
	 * `static subset` (and perhaps `static references`) needs none:
	 *
	 * ```ts
	 * export default class ProAccounts extends QuerySet {
	 *   static subset = {roots: ['accounts:{"plan":"pro"}'], follow: 'both'};
	 * }
	 * ```
	 */
	run(): Promise<void> | void {}

	/**
	 * Optional: with `--scrub`, called for every document taken, after the
	 * scrub rules of monarch.json, for what rules cannot say. Change the
	 * document in place, or return the one to keep instead. Synchronous: it
	 * runs once per document.
	 */
	scrub?(collection: string, document: Document): Document | void;
}

/** The static side of a QuerySet class, as found by its brand. */
export type QuerySetClass = (new (
	context: QuerySetContext,
) => {run(): Promise<void> | void; scrub?(collection: string, document: Document): Document | void}) & {
	readonly [querySetBrand]?: true;
};

export function isQuerySetClass(value: unknown): value is QuerySetClass {
	return typeof value === 'function' && (value as {[querySetBrand]?: unknown})[querySetBrand] === true;
}
