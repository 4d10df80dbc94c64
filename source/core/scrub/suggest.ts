import type {Db} from 'mongodb';
import {BSONType} from '../bson.js';
import {describeCollections} from '../collections.js';
import type {ProjectConfig} from '../config/load.js';
import {connect} from '../connection.js';
import {findEnvironment} from '../environments.js';
import {MonarchError, throwIfAborted} from '../errors.js';
import {type EventSink, ignoreEvents} from '../events.js';
import type {Prompter} from '../prompts.js';
import {readSample, type SampledRun, startSampledRun} from '../sample-documents.js';
import {type CurrentClass, currentClassification} from './current-class.js';
import {bsonTypeName, readBsonString, walkPaths} from './paths.js';
import {addString, emptyStats, type PathStats, type SuggestedCollection, type SuggestedPath, suggestPath} from './suggest-path.js';
import {planSuggestions, type WriteResult, writeSuggestions} from './suggest-write.js';

export type ScrubSuggestOptions = SampledRun & {
	config: ProjectConfig;
	environment: string;
	/** Add the suggestions for unclassified paths to monarch.json (`--write`). */
	write?: boolean | undefined;
	/** With `write`: asks first, showing what will be added (the TUI); without, --write asks nothing (the user reviews the diff). */
	prompter?: Prompter | undefined;
};

export type {SuggestedCollection, SuggestedPath} from './suggest-path.js';

export type ScrubSuggestResult = {
	environment: string;
	/** The monarch.json suggestions are written to, as messages name it. */
	file: string;
	sample: number;
	collections: SuggestedCollection[];
	/** Paths no entry classifies (collections classified as a whole count none). */
	unclassified: number;
	/** With `write`: what was added to monarch.json. */
	written?: WriteResult | undefined;
};

/**
 * `monarch scrub_suggest <env>`: reads a sample of every data collection
 * (raw BSON, read-only connection), and for every path it observes says its
 * types, how often it is present, how monarch.json classifies it now and a
 * suggested classification with its reason (by name, by value). With
 * `write`, adds the suggestions for unclassified paths to monarch.json
 * (`suggest-write.ts`), refusing if the file changed since it was read.
 */
export async function suggestScrub(options: ScrubSuggestOptions): Promise<ScrubSuggestResult> {
	const {config} = options;
	const {events, sample, environment, original} = await startSampledRun(config, options);
	const connection = await connect(environment, {access: 'read'});
	const collections: SuggestedCollection[] = [];
	try {
		const infos = (await describeCollections(connection.db)).filter(info => info.type !== 'view');
		for (const info of infos) {
			throwIfAborted(options.signal, 'scrub_suggest');
			const current = currentClassification(config, info.name);
			const {sampled, stats} = await sampleCollection(connection.db, info.name, sample, events, options.signal, true);
			collections.push(report(info.name, sampled, stats, current));
		}
	} finally {
		await connection.close();
	}

	const unclassified = collections.reduce((sum, collection) => sum + collection.paths.filter(path => path.current === null).length, 0);
	const result: ScrubSuggestResult = {environment: environment.name, file: config.displayFile, sample, collections, unclassified};
	if (original !== undefined) {
		const additions = planSuggestions(collections);
		if (options.prompter && additions.added > 0) {
			const confirmed = await options.prompter.confirm({
				key: 'write',
				message: `Add ${additions.added === 1 ? '1 entry' : `${additions.added} entries`} to ${config.displayFile}'s scrub?`,
				default: false,
				details: describeAdditions(additions),
			});
			if (!confirmed)
				throw new MonarchError(
					'refused',
					`Not confirmed: scrub_suggest ${environment.name} --write; nothing written to ${config.displayFile}`,
					{hint: 'confirm at the prompt, or run monarch scrub_suggest --write, which asks nothing (review the diff)'},
				);
		}

		result.written = await writeSuggestions({file: config.file, displayFile: config.displayFile, original, collections});
	}

	return result;
}

/** How many observed paths monarch.json classifies in an environment's sample (classificationCounts). */
export type ClassificationCounts = {
	environment: string;
	/** Documents read per collection at most. */
	sample: number;
	/** Observed paths an entry covers (every path of a collection classified whole). */
	classified: number;
	/** Observed paths no entry covers (those of collections not classified included). */
	unclassified: number;
	/** Collections not classified at all (the gate stops on them, documents or not). */
	unclassifiedCollections: string[];
};

/** The sample of classificationCounts: small, since it is read for a glance (the TUI's Environments panel). */
export const countsSample = 100;

/**
 * How many of the paths observed in a small sample of every collection
 * (half the first, half the last by `_id`; read-only) monarch.json
 * classifies and how many it does not: scrub_suggest's reading without the
 * values' detectors, for a count at a glance.
 */
export async function classificationCounts(options: {
	config: ProjectConfig;
	environment: string;
	sample?: number | undefined;
	signal?: AbortSignal | undefined;
}): Promise<ClassificationCounts> {
	const {config} = options;
	const sample = options.sample ?? countsSample;
	const environment = findEnvironment(config.environments, options.environment, config.displayFile);
	const connection = await connect(environment, {access: 'read'});
	const counts: ClassificationCounts = {environment: environment.name, sample, classified: 0, unclassified: 0, unclassifiedCollections: []};
	try {
		for (const info of (await describeCollections(connection.db)).filter(candidate => candidate.type !== 'view')) {
			throwIfAborted(options.signal, 'scrub_suggest');
			const current = currentClassification(config, info.name);
			if (current.kind === undefined) counts.unclassifiedCollections.push(info.name);
			const {stats} = await sampleCollection(connection.db, info.name, sample, ignoreEvents, options.signal, false);
			for (const path of stats.keys()) {
				if (current.classify(path) === undefined) counts.unclassified++;
				else counts.classified++;
			}
		}
	} finally {
		await connection.close();
	}

	return counts;
}

/** A confirmation's lines for what --write adds: one per collection, its first paths and suggestions. */
function describeAdditions(additions: ReturnType<typeof planSuggestions>): string[] {
	const shown = 8;
	const lines = additions.collections.slice(0, shown).map(entry => {
		if (entry.whole) return `${entry.name}: "${entry.whole}" (the whole collection)`;
		const paths = entry.paths.slice(0, 4).map(path => `${path.path} → ${path.suggestion}`);
		return `${entry.name}: ${paths.join(', ')}${entry.paths.length > 4 ? `, and ${entry.paths.length - 4} more` : ''}`;
	});
	if (additions.collections.length > shown) lines.push(`and ${additions.collections.length - shown} more collections`);
	return lines;
}

function report(name: string, sampled: number, stats: Map<string, PathStats>, current: CurrentClass): SuggestedCollection {
	const paths: SuggestedPath[] = [...stats].map(([path, seen]) => {
		const {suggestion, reason} = suggestPath(path, seen, name);
		return {
			path,
			types: [...seen.types].sort(),
			documents: seen.documents,
			present: sampled === 0 ? 0 : seen.documents / sampled,
			current: current.classify(path) ?? null,
			suggestion,
			reason,
		};
	});
	const personal = paths.some(path => path.suggestion !== 'keep');
	const suggestion = current.kind !== undefined || personal ? 'fields' : sampled === 0 ? 'empty' : 'keep';
	return {name, sampled, current: current.kind ?? null, suggestion, paths};
}

/** Reads up to `sample` raw documents (half the first by `_id`, half the last, so fields added lately show) and walks their paths. */
async function sampleCollection(
	db: Db,
	name: string,
	sample: number,
	events: EventSink,
	signal: AbortSignal | undefined,
	values: boolean,
): Promise<{sampled: number; stats: Map<string, PathStats>}> {
	const stats = new Map<string, PathStats>();
	const sampled = await readSample(db, name, {sample, events, signal, command: 'scrub_suggest'}, raw => {
		const inDocument = new Set<string>();
		walkPaths(raw, (path, type, offset, length) => {
			let entry = stats.get(path);
			if (!entry) {
				entry = emptyStats();
				stats.set(path, entry);
			}

			entry.types.add(bsonTypeName(type));
			if (!inDocument.has(path)) {
				inDocument.add(path);
				entry.documents++;
			}

			if (values && type === BSONType.string) addString(entry, readBsonString(raw, offset, length));
		});
	});
	return {sampled, stats};
}
