import {BSON, type Document, EJSON} from '../bson.js';
import {describeCollections} from '../collections.js';
import type {ProjectConfig} from '../config/load.js';
import {connect} from '../connection.js';
import {findEnvironment} from '../environments.js';
import {MonarchError} from '../errors.js';
import {planScrub, scrubberFor} from './policy.js';

export type ScrubPreviewOptions = {
	config: ProjectConfig;
	environment: string;
	collection: string;
	/** Documents to show (`-n`, default 3). */
	limit?: number | undefined;
	variables?: NodeJS.ProcessEnv;
};

export type ScrubPreview = {
	environment: string;
	collection: string;
	fingerprint: string;
	/** Each document before and after the rules, as relaxed Extended JSON. */
	documents: Array<{before: Document; after: Document}>;
};

/**
 * Reads the first documents of a collection and applies the scrub rules to
 * them in memory, with the same key, uniqueness and types as `--scrub`.
 * Writes nothing (the environment is opened read-only).
 */
export async function previewScrub(options: ScrubPreviewOptions): Promise<ScrubPreview> {
	const {config, collection} = options;
	const environment = findEnvironment(config.environments, options.environment, config.displayFile);
	const what = `scrub_preview ${environment.name} ${collection}`;
	const plan = planScrub(config, environment, undefined, true, what, options.variables);
	if (!config.scrub?.rules.has(collection)) {
		throw new MonarchError('usage', `${what}: ${config.displayFile} has no scrub rules for ${collection}`, {
			hint: `collections with rules: ${[...(config.scrub?.rules.keys() ?? [])].join(', ') || 'none'}`,
		});
	}

	const limit = options.limit ?? 3;
	const connection = await connect(environment, {access: 'read'});
	try {
		const infos = await describeCollections(connection.db, [collection]);
		if (infos.length === 0)
			throw new MonarchError('not-found', `${what}: no collection ${collection} in ${environment.name} (database ${environment.database})`);
		const scrubber = scrubberFor(config, plan, infos, what)!;
		const raw = (await connection.db
			.collection(collection)
			.find({}, {raw: true, limit, sort: {_id: 1}})
			.toArray()) as unknown as Buffer[];
		const after = scrubber.batch(collection, raw);
		return {
			environment: environment.name,
			collection,
			fingerprint: plan.scrub ? plan.fingerprint : '',
			documents: raw.map((bytes, index) => ({before: relaxed(bytes), after: relaxed(after[index]!)})),
		};
	} finally {
		await connection.close();
	}
}

/** A raw document as relaxed Extended JSON (what mongosh shows: numbers as numbers, dates as {$date}). */
function relaxed(bytes: Uint8Array): Document {
	return EJSON.serialize(BSON.deserialize(bytes), {relaxed: true}) as Document;
}
