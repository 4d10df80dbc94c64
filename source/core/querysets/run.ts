import path from 'node:path';
import type {Db, Document} from 'mongodb';
import type {ProjectConfig} from '../config/load.js';
import {type ErrorCode, firstLine, MonarchError, throwIfAborted} from '../errors.js';
import {type EventSink, ignoreEvents} from '../events.js';
import type {Prompter} from '../prompts.js';
import {findQuerySet} from './discover.js';
import {createQuerySetPrompt} from './prompt.js';
import type {QuerySetContext} from './queryset.js';
import {type CustomScrub, collectionNameProblem, createSelectionBuilder, type QuerySetRun} from './selection.js';

export type RunQuerySetOptions = {
	config: ProjectConfig;
	/** The class name (`AccountQuerySet`) or file name without extension (`account`), any case. */
	name: string;
	/** The SOURCE environment's database: what the QuerySet reads and selects from. */
	database: Db;
	/** The source environment's name. */
	environment: string;
	/** Answers `this.prompt` (the CLI from --param or a terminal, the TUI with forms). */
	prompter: Prompter;
	events?: EventSink;
	signal?: AbortSignal;
};

/**
 * Loads a QuerySet, runs it against the source database and returns what it
 * chose, with the answers it was given by key. Writes nothing: a backup or
 * copy runs this first, so a missing `--param` fails before anything is
 * written. Fails with a one-line MonarchError naming the QuerySet.
 */
export async function runQuerySet(options: RunQuerySetOptions): Promise<QuerySetRun> {
	const {config, database, environment, prompter} = options;
	const events = options.events ?? ignoreEvents;
	const signal = options.signal ?? new AbortController().signal;
	throwIfAborted(signal, `QuerySet ${options.name}`);
	const loaded = await findQuerySet(config, options.name);
	const {name} = loaded;
	const shownFile = path.relative(config.root, loaded.file) || loaded.file;
	const owner = `${name} (${shownFile})`;

	const answers: Record<string, unknown> = {};
	const selection = createSelectionBuilder();
	const context: QuerySetContext = {
		database,
		environment,
		signal,
		prompt: createQuerySetPrompt(prompter, owner, (key, value) => {
			answers[key] = value;
		}),
		log(message) {
			events({type: 'log', level: 'info', message: String(message), source: name});
		},
		async dumpCollection(collection: string, filter: Document) {
			throwIfAborted(signal, `QuerySet ${name}`);
			const problem = collectionNameProblem(collection);
			if (problem)
				throw new MonarchError('usage', `${owner}: dumpCollection(${JSON.stringify(collection) ?? String(collection)}): ${problem}`);
			if (filter === null || typeof filter !== 'object' || Array.isArray(filter)) {
				throw new MonarchError('usage', `${owner}: dumpCollection('${collection}', filter): the filter must be an object`, {
					hint: 'for example {_id: {$in: ids}}, or leave it out for the whole collection',
				});
			}

			selection.add(collection, filter as Record<string, unknown>);
			events({type: 'log', level: 'debug', message: `dumpCollection ${collection} ${describeFilter(filter)}`, source: name});
		},
	};

	let scrub: CustomScrub | undefined;
	try {
		const instance = new loaded.querySetClass(context);
		await instance.run();
		if (typeof instance.scrub === 'function') {
			const method = instance.scrub.bind(instance);
			scrub = (collection, document) => {
				try {
					return method(collection, document) ?? undefined;
				} catch (error) {
					const reason = firstLine(error instanceof Error ? error.message : String(error));
					throw new MonarchError(
						'queryset-failed',
						`${owner}: scrub('${collection}', document ${describeFilter(document._id)}) failed: ${reason}`,
						{hint: 'fix its scrub(); nothing was changed', cause: error},
					);
				}
			};
		}
	} catch (error) {
		throw asQuerySetError(error, owner);
	}

	throwIfAborted(signal, `QuerySet ${name}`);
	const result = selection.selection();
	const declared = declaredSubset(loaded.querySetClass, owner);
	if (declared.subset) return {name, answers, selection: result, ...(scrub ? {scrub} : {}), ...declared, file: shownFile};
	if (result.collections.length === 0) {
		throw new MonarchError('usage', `${owner} calls dumpCollection for no collection`, {
			hint: "call await this.dumpCollection('name', filter) in run() for each collection to take",
		});
	}

	return {name, answers, selection: result, ...(scrub ? {scrub} : {})};
}

/** A QuerySet's `static subset` and `static references`, checked for shape (their contents are checked when the subset runs). */
function declaredSubset(querySetClass: object, owner: string): Pick<QuerySetRun, 'subset' | 'references'> {
	const {subset, references} = querySetClass as {subset?: unknown; references?: unknown};
	if (subset === undefined) {
		if (references !== undefined)
			throw new MonarchError('usage', `${owner}: static references needs static subset`, {
				hint: "add static subset = {roots: ['accounts:2%']}",
			});
		return {};
	}

	const fail = (why: string) =>
		new MonarchError('usage', `${owner}: static subset: ${why}`, {
			hint: `for example static subset = {roots: ['accounts:{"plan":"pro"}'], follow: 'both'}`,
		});
	const shape = typeof subset === 'string' || Array.isArray(subset) ? {roots: subset} : subset;
	if (shape === null || typeof shape !== 'object') throw fail('an object with roots');
	const {roots, follow, only, seed} = shape as Record<string, unknown>;
	const list = typeof roots === 'string' ? [roots] : roots;
	if (!Array.isArray(list) || list.length === 0 || list.some(root => typeof root !== 'string'))
		throw fail('roots is a list of "<collection>:<filter or percentage>"');
	if (follow !== undefined && typeof follow !== 'string') throw fail('follow is "down" or "both"');
	if (only !== undefined && typeof only !== 'boolean') throw fail('only is true or false');
	if (seed !== undefined && typeof seed !== 'string') throw fail('seed is a string');
	if (references !== undefined && (references === null || typeof references !== 'object' || Array.isArray(references)))
		throw new MonarchError('usage', `${owner}: static references: an object of "<collection>.<path>": "<collection>.<field>"`);
	return {subset: {roots: list as string[], follow, only, seed}, ...(references ? {references: references as Record<string, string>} : {})};
}

/** A MonarchError (from any copy of monarch) keeps its code and hint; anything else becomes 'queryset-failed'. */
function asQuerySetError(error: unknown, owner: string): MonarchError {
	const candidate = error as {name?: unknown; code?: unknown; message?: unknown; hint?: unknown};
	if (error instanceof Error && candidate.name === 'MonarchError' && typeof candidate.code === 'string') {
		if (candidate.code === 'cancelled') return error as MonarchError;
		const message = error.message.startsWith(owner) ? error.message : `${owner}: ${error.message}`;
		return new MonarchError(candidate.code as ErrorCode, message, {
			hint: typeof candidate.hint === 'string' ? candidate.hint : undefined,
			cause: error,
		});
	}

	const reason = firstLine(error instanceof Error ? error.message : String(error));
	return new MonarchError('queryset-failed', `${owner} failed: ${reason}`, {
		hint: 'fix the QuerySet and run again; nothing was written',
		cause: error,
	});
}

function describeFilter(filter: unknown): string {
	try {
		const text = JSON.stringify(filter);
		return text.length > 200 ? `${text.slice(0, 200)}...` : text;
	} catch {
		return '(filter)';
	}
}
