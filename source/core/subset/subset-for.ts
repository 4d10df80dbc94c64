import type {Db} from 'mongodb';
import {now} from '../clock.js';
import type {ProjectConfig} from '../config/load.js';
import type {Environment} from '../environments.js';
import {MonarchError} from '../errors.js';
import type {EventSink} from '../events.js';
import type {QuerySetRun} from '../querysets/selection.js';
import {parseReference, type Reference} from './references.js';
import {type SubsetSelection, selectSubset} from './select.js';
import {defaultSeed, parseFollow, parseSubsetRoot, type SubsetSpec, subsetSpec} from './spec.js';
import {spillPlace} from './spill-place.js';

/** The subset flags as the CLI and the TUI take them: `--subset` (repeatable), `--follow`, `--subset-only`, `--seed`. */
export type SubsetRequest = {
	subset?: readonly string[] | undefined;
	follow?: string | undefined;
	subsetOnly?: boolean | undefined;
	seed?: string | undefined;
};

/** A subset worked out for a copy or backup; `drop` removes its spill database once the copy has read what it keeps. */
export type SubsetInUse = SubsetSelection & {drop(): Promise<void>};

/**
 * The subset a copy, rehearsal or backup takes, from its flags or a
 * QuerySet's `static subset` (flags given win over the QuerySet's), with
 * monarch.json's references and the QuerySet's; undefined when neither asks
 * for one. Its large sets spill to a scratch database on `spillOn`'s server.
 */
export async function subsetFor(options: {
	config: ProjectConfig;
	request: SubsetRequest | undefined;
	querySet: QuerySetRun | undefined;
	db: Db;
	environment: string;
	spillOn: Environment;
	/** A copy (copy_db, rehearse): the kept documents are written to the spill database as they are found, and read from there (kept-documents.ts). */
	keepDocuments?: boolean | undefined;
	events?: EventSink | undefined;
	signal?: AbortSignal | undefined;
	what: string;
}): Promise<SubsetInUse | undefined> {
	const {config, request, querySet} = options;
	const flags = subsetSpec(request ?? {});
	const declared = querySet?.subset;
	if (flags && querySet && !declared) {
		throw new MonarchError('usage', `${options.what}: --subset and QuerySet ${querySet.name} both pick what to copy`, {
			hint: 'give one of them (a QuerySet may declare static subset instead)',
		});
	}

	const spec: SubsetSpec | undefined =
		flags ??
		(declared
			? {
					roots: declared.roots.map(parseSubsetRoot),
					follow: parseFollow(request?.follow ?? declared.follow),
					only: request?.subsetOnly ?? declared.only ?? false,
					seed: request?.seed ?? declared.seed ?? defaultSeed,
				}
			: undefined);
	if (!spec) return undefined;
	const origin = new Map<string, string>();
	const byEntry = new Map<string, Reference>();
	for (const reference of config.references) {
		byEntry.set(reference.entry, reference);
		origin.set(reference.entry, config.displayFile);
	}

	for (const [key, value] of Object.entries(querySet?.references ?? {})) {
		try {
			byEntry.set(key, parseReference(key, value));
		} catch (error) {
			throw new MonarchError('config', `${querySet?.file ?? querySet?.name}: ${(error as Error).message}`, {
				hint: 'fix the QuerySet; nothing was copied',
			});
		}

		origin.set(key, querySet?.file ?? `QuerySet ${querySet?.name}`);
	}

	const spill = spillPlace({
		environment: options.spillOn,
		leaseMs: config.lock.leaseMs,
		now,
		events: options.events,
		signal: options.signal,
	});
	try {
		const selected = await selectSubset({
			db: options.db,
			environment: options.environment,
			spec,
			references: [...byEntry.values()],
			declaredIn: entry => origin.get(entry) ?? config.displayFile,
			spill,
			keepDocuments: options.keepDocuments,
			events: options.events,
			signal: options.signal,
			what: options.what,
		});
		return {...selected, drop: spill.drop};
	} catch (error) {
		await spill.drop().catch(() => {});
		throw error;
	}
}
