import {readArchiveFile} from '../archive/index.js';
import {BSONType} from '../bson.js';
import {byteLength, collectGarbageEvery, type GarbageCollector} from '../collect-garbage.js';
import {type CollectionInfo, infoType, isDataCollection} from '../collections.js';
import type {ProjectConfig} from '../config/load.js';
import {type Connection, connect} from '../connection.js';
import {type Environment, findEnvironment} from '../environments.js';
import {MonarchError} from '../errors.js';
import {type EventSink, ignoreEvents, type OperationOptions} from '../events.js';
import {auditCollections, readSides} from './audit-reads.js';
import {createDigester, type Digester, maskValue, minimumValueLength, normaliseValue} from './audit-values.js';
import {type CollectionClass, classifyPath, withMonarchCollections} from './classification.js';
import {findPersonal, type PersonalKind, type PersonalSpan} from './detect.js';
import {DigestSet} from './digest-set.js';
import {PathTree, readBsonString} from './paths.js';
import type {Strategy} from './rule.js';
import {StringScan} from './string-scan.js';
import {ValueFilter} from './value-filter.js';

export type ScrubAuditOptions = OperationOptions & {
	config: ProjectConfig;
	/** The environment whose personal values must not be in the target (or, with `archive`, the archive file's name for the output). */
	source: string;
	/**
	 * The source is a mongodump archive file instead (`restore --file --scrub`
	 * under `scrub.audit`): the documents of its database `database` are read
	 * from the file, as the restore read them.
	 */
	archive?: {file: string; database: string} | undefined;
	/** The environment checked (a scrubbed copy of the source). */
	target: string;
	/**
	 * For tests: `hold-all` holds every target batch until both sides are read
	 * (the path of a target batch read before the source's end, whatever the
	 * timing); the findings must be the same. Default `near-end` (see `readSides`).
	 */
	holdTarget?: 'near-end' | 'hold-all' | undefined;
};

/** One kind of finding at one path of the target. */
export type AuditFinding = {
	collection: string;
	/** The path in the target (`notes`, `contacts[].email`). */
	path: string;
	/**
	 * `source-value`: a value the source holds at a personal path (one with a
	 * strategy, or anything a detector flags there) is in the target, whole or
	 * inside a string: a leak. `detected`: a detector's hit in a path the
	 * classification keeps or does not classify, whose value the source does
	 * not hold: a suspected leak.
	 */
	finding: 'source-value' | 'detected';
	/** What the value is: a detector's kind, or `value` for a source value no detector names. */
	kind: PersonalKind | 'value';
	/** How monarch.json classifies the path: a strategy (`fake.email`), `keep`, `not classified`, or the whole collection's class (`collection keep`). */
	classification: string;
	/** Values found (a string with two hits counts two). */
	count: number;
	/** Documents holding at least one. */
	documents: number;
	/** Up to 3 distinct examples, masked (never a value: `j***@s***.example`). */
	examples: string[];
};

/** What `scrub_audit` found. `clean` when there is no finding: the command exits 1 otherwise. */
export type ScrubAuditResult = {
	source: string;
	target: string;
	sourceDatabase: string;
	targetDatabase: string;
	/** The classification's fingerprint, or null when monarch.json has no `scrub`. */
	fingerprint: string | null;
	read: {
		collections: number;
		documents: number;
		/** Values digested (at personal paths, and detector hits anywhere), repeats included. */
		values: number;
		/** Distinct digests kept, and the bytes of their table (digests only, 8 bytes each, never a value). */
		digests: number;
		digestBytes: number;
	};
	scanned: {collections: number; documents: number; strings: number; numbers: number};
	findings: AuditFinding[];
	/** Values found in all findings. */
	leaks: number;
	clean: boolean;
	durationMs: number;
};

/** What reading one side does with each value of a path. */
type SourcePolicy = 'personal' | 'detect';
/** How the target's classification treats a path: whether a detector's hit there is suspected, and how to name it. */
type TargetPolicy = {suspect: boolean; classification: string};

const {string: stringType, double: doubleType, int: int32Type, long: int64Type} = BSONType;
/** Numbers of at least this many digits are compared (phone, card and account numbers stored as numbers); smaller ones are counts and prices. */
const minimumNumber = 1_000_000;
const examplesPerFinding = 3;
const noSpans: readonly PersonalSpan[] = [];

/**
 * Proves a target holds none of a source's personal values, independently of
 * the code that scrubbed it. Reads the source (read-only) and keeps a keyed
 * digest (see {@link createDigester}; digests only, in a {@link DigestSet}) of
 * every value at a path the classification gives a strategy, whole and each
 * detector hit inside it, and of every detector hit anywhere else (kept
 * paths, unclassified ones, collections kept whole). Then reads every
 * document of the target (read-only) and looks up every string and every
 * number of 7 digits or more, whole and each detector hit inside strings
 * (a {@link ValueFilter} first: what it rules out is not digested): a digest
 * found is a `source-value` finding. A detector hit whose value the
 * source does not hold, in a path that is kept or not classified, is a
 * `detected` finding; in a path with a strategy it is the strategy's fake and
 * no finding. Progress: `progress` events per side, in documents.
 */
export async function auditScrub(options: ScrubAuditOptions): Promise<ScrubAuditResult> {
	const {config, signal} = options;
	const events = options.events ?? ignoreEvents;
	const what = `scrub_audit ${options.source}:${options.target}`;
	if (!options.archive && options.source === options.target) {
		throw new MonarchError('usage', `${what}: the source and the target are the same environment`, {
			hint: 'audit a scrubbed copy against the environment it was copied from, e.g. monarch scrub_audit production:development',
		});
	}

	const {archive} = options;
	const sourceEnvironment = archive
		? {name: options.source, database: archive.database}
		: findEnvironment(config.environments, options.source, config.displayFile);
	const targetEnvironment = findEnvironment(config.environments, options.target, config.displayFile);
	const started = performance.now();
	const classes = withMonarchCollections(config.scrub?.collections);
	const digest = createDigester();
	const digests = new DigestSet();
	const filter = new ValueFilter();

	const sourceSide = {classes, digest, digests, filter, events, signal, task: `${what}: read ${sourceEnvironment.name}`};
	const targetSide = {classes, digest, digests, filter, events, signal, task: `${what}: scan ${targetEnvironment.name}`};
	const reader = sourceReader(sourceSide);
	const scanner = targetScanner(targetSide);
	const collectGarbage = collectGarbageEvery();
	let counted: {source: {collections: number; documents: number}; target: {collections: number; documents: number}};
	// The target is opened first: its collections are counted (for its progress) while the source is read.
	const target = await open(targetEnvironment, what, events);
	try {
		const targetRead = {db: target.db, collections: await auditCollections(target.db), visit: scanner.visit, events, task: targetSide.task};
		if (archive) {
			const source = await eachArchiveBatch(archive, sourceSide, reader.visit, collectGarbage);
			counted = {source, target: (await readSides(undefined, targetRead, {signal, collectGarbage})).target};
		} else {
			const source = await open(sourceEnvironment as Environment, what, events);
			try {
				const sourceRead = {
					db: source.db,
					collections: await auditCollections(source.db),
					visit: reader.visit,
					events,
					task: sourceSide.task,
				};
				counted = await readSides(sourceRead, targetRead, {signal, collectGarbage, hold: options.holdTarget});
			} finally {
				await source.close();
			}
		}
	} finally {
		await target.close();
	}

	const read = {...counted.source, values: reader.values(), digests: digests.size, digestBytes: digests.byteLength};
	const scan = scanner.result(counted.target);
	const findings = scan.findings;
	const leaks = findings.reduce((sum, finding) => sum + finding.count, 0);
	return {
		source: sourceEnvironment.name,
		target: targetEnvironment.name,
		sourceDatabase: sourceEnvironment.database,
		targetDatabase: targetEnvironment.database,
		fingerprint: config.scrub?.fingerprint ?? null,
		read,
		scanned: scan.scanned,
		findings,
		leaks,
		clean: findings.length === 0,
		durationMs: performance.now() - started,
	};
}

async function open(environment: Environment, what: string, events: EventSink): Promise<Connection> {
	const connection = await connect(environment, {access: 'read', events});
	if (connection.interruptedSwap) {
		await connection.close();
		throw new MonarchError(
			'blocked',
			`${what}: ${environment.name} is half-swapped by a restore or copy that was killed; nothing was audited`,
			{hint: `run \`monarch recover ${environment.name}\` first`},
		);
	}

	return connection;
}

type Side = {
	classes: ReadonlyMap<string, CollectionClass>;
	digest: Digester;
	digests: DigestSet;
	/** In front of `digests`: the values it says were never digested are not digested to be looked up. */
	filter: ValueFilter;
	events: EventSink;
	signal: AbortSignal | undefined;
	task: string;
};

/**
 * Every document of an archive file's database `database` (its data
 * collections, as a restore of it loads them), batch by batch as the file is
 * read, with progress in documents (the archive says how many only at its end).
 */
async function eachArchiveBatch(
	archive: {file: string; database: string},
	side: Side,
	visit: (info: Pick<CollectionInfo, 'name'>, batch: Buffer[]) => void,
	collectGarbage: GarbageCollector,
): Promise<{collections: number; documents: number}> {
	let collections = 0;
	let documents = 0;
	for await (const event of readArchiveFile(archive.file, side.signal ? {signal: side.signal} : {})) {
		if (event.type === 'prelude') {
			collections = event.collections.filter(
				entry => entry.db === archive.database && isDataCollection(entry.collection) && infoType(entry.type) !== 'view',
			).length;
		} else if (event.type === 'documents' && event.db === archive.database && isDataCollection(event.collection)) {
			collectGarbage(byteLength(event.documents));
			visit({name: event.collection}, event.documents);
			documents += event.documents.length;
			side.events({type: 'progress', task: side.task, done: documents, total: undefined, unit: 'docs'});
		}
	}

	return {collections, documents};
}

/** The decimal digits of a number value of 7 digits or more (an int32, int64 or whole double), else undefined. */
function numberText(raw: Buffer, type: number, offset: number): string | undefined {
	if (type === int32Type) {
		const value = raw.readInt32LE(offset);
		return Math.abs(value) >= minimumNumber ? String(Math.abs(value)) : undefined;
	}

	if (type === int64Type) {
		const value = raw.readBigInt64LE(offset);
		const absolute = value < 0n ? -value : value;
		return absolute >= BigInt(minimumNumber) ? absolute.toString() : undefined;
	}

	const value = Math.abs(raw.readDoubleLE(offset));
	return Number.isInteger(value) && value >= minimumNumber && value < 1e20 ? BigInt(value).toString() : undefined;
}

/** A collection's path tree (paths.ts), made the first time the collection is read: each path's policy is decided once. */
function treeOf<P>(trees: Map<string, PathTree<P>>, collection: string, decide: (path: string) => P): PathTree<P> {
	let tree = trees.get(collection);
	if (!tree) {
		tree = new PathTree(decide);
		trees.set(collection, tree);
	}

	return tree;
}

/** What reading the source does with each batch (digests its values), and how many values it digested. */
function sourceReader(side: Side): {visit: (info: Pick<CollectionInfo, 'name'>, batch: Buffer[]) => void; values: () => number} {
	let values = 0;
	/** Digests a value given as a string; true when it was long enough to count. */
	const add = (text: string): boolean => {
		const normalised = normaliseValue(text);
		if (normalised.length < minimumValueLength) return false;
		values++;
		side.filter.add(normalised);
		const [high, low] = side.digest(normalised);
		side.digests.add(high, low);
		return true;
	};

	const scan = new StringScan(side.filter.basis);
	/** Digests the value `scan` just read (a personal path's string), as `add` would; true when it counted. */
	const addScanned = (raw: Buffer, offset: number, length: number): boolean => {
		if (!scan.written) return add(readBsonString(raw, offset, length));
		if (scan.length < minimumValueLength) return false;
		values++;
		side.filter.addHash(scan.hash);
		const [high, low] = side.digest.digestRoom(scan.length);
		side.digests.add(high, low);
		return true;
	};

	const trees = new Map<string, PathTree<SourcePolicy>>();
	let raw: Buffer;
	const visit = (_path: string, policy: SourcePolicy, type: number, offset: number, length: number): void => {
		if (type === stringType) {
			// Most strings are settled here: a personal path's value digested from its bytes, and no detector could find anything.
			scan.scan(raw, offset + 4, offset + length - 1, policy === 'personal', side.digest.room);
			const counted = policy === 'personal' && addScanned(raw, offset, length);
			if (!scan.mayDetect) return;
			const text = readBsonString(raw, offset, length);
			for (const span of findPersonal(text, scan.shape)) {
				// A hit that is the whole value was digested just now (the same normalised value): counted, not digested again.
				if (counted && span.start === 0 && span.end === text.length) values++;
				else add(text.slice(span.start, span.end));
			}
		} else if (type === int32Type || type === int64Type || type === doubleType) {
			const text = numberText(raw, type, offset);
			if (text === undefined) return;
			if (policy === 'personal') add(text);
			else for (const span of findPersonal(text)) add(text.slice(span.start, span.end));
		}
	};

	return {
		visit(info, batch) {
			const classification = side.classes.get(info.name);
			const tree = treeOf(trees, info.name, (path): SourcePolicy => {
				const field = classification?.kind === 'fields' ? classifyPath(classification.fields, path) : undefined;
				return field && field.action !== 'keep' ? 'personal' : 'detect';
			});
			for (raw of batch) tree.walk(raw, visit);
		},
		values: () => values,
	};
}

type FindingEntry = Omit<AuditFinding, 'examples'> & {examples: Set<string>; lastDocument: Buffer | undefined};

/** What scanning the target does with each batch (looks its values up), and what it found, once every batch is scanned. */
function targetScanner(side: Side): {
	visit: (info: Pick<CollectionInfo, 'name'>, batch: Buffer[]) => void;
	result: (counted: {collections: number; documents: number}) => {scanned: ScrubAuditResult['scanned']; findings: AuditFinding[]};
} {
	const found = new Map<string, FindingEntry>();
	let strings = 0;
	let numbers = 0;
	const holds = (text: string): boolean => {
		const normalised = normaliseValue(text);
		// Nearly every string of a clean target is no source value: the filter says so without a digest.
		if (normalised.length < minimumValueLength || !side.filter.mayHold(normalised)) return false;
		const [high, low] = side.digest(normalised);
		return side.digests.has(high, low);
	};

	const trees = new Map<string, PathTree<TargetPolicy>>();
	const scan = new StringScan(side.filter.basis);
	const visitBatch = (info: Pick<CollectionInfo, 'name'>, batch: Buffer[]) => {
		const classification = side.classes.get(info.name);
		const tree = treeOf(trees, info.name, path => targetPolicy(classification, path));

		let document: Buffer;
		const record = (path: string, policy: TargetPolicy, finding: AuditFinding['finding'], kind: AuditFinding['kind'], value: string) => {
			const key = `${path}\u0000${finding}\u0000${kind}`;
			let entry = found.get(`${info.name}\u0000${key}`);
			if (!entry) {
				entry = {
					collection: info.name,
					path,
					finding,
					kind,
					classification: policy.classification,
					count: 0,
					documents: 0,
					examples: new Set(),
					lastDocument: undefined,
				};
				found.set(`${info.name}\u0000${key}`, entry);
			}

			entry.count++;
			if (entry.lastDocument !== document) {
				entry.lastDocument = document;
				entry.documents++;
			}

			if (entry.examples.size < examplesPerFinding) entry.examples.add(maskValue(value, kind));
		};

		const check = (path: string, policy: TargetPolicy, text: string, spans: readonly PersonalSpan[]) => {
			if (holds(text)) {
				const [span] = spans;
				const whole = spans.length === 1 && text.slice(0, span!.start).trim() === '' && text.slice(span!.end).trim() === '';
				record(path, policy, 'source-value', whole ? span!.kind : 'value', text);
				return;
			}

			for (const span of spans) {
				// A hit that is the whole value is not held: `holds(text)` just said so.
				const value = span.start === 0 && span.end === text.length ? text : text.slice(span.start, span.end);
				if (value !== text && holds(value)) record(path, policy, 'source-value', span.kind, value);
				else if (policy.suspect) record(path, policy, 'detected', span.kind, value);
			}
		};

		const visit = (path: string, policy: TargetPolicy, type: number, offset: number, length: number): void => {
			if (type === stringType) {
				strings++;
				scan.scan(document, offset + 4, offset + length - 1, true);
				// Nearly every string of a clean copy: no detector could find anything, and the filter says it is no source value.
				if (!scan.mayDetect && scan.ascii && (scan.length < minimumValueLength || !side.filter.mayHoldHash(scan.hash))) return;
				const text = readBsonString(document, offset, length);
				check(path, policy, text, scan.mayDetect ? findPersonal(text, scan.shape) : noSpans);
			} else if (type === int32Type || type === int64Type || type === doubleType) {
				const text = numberText(document, type, offset);
				if (text === undefined) return;
				numbers++;
				check(path, policy, text, findPersonal(text));
			}
		};

		for (document of batch) tree.walk(document, visit);
	};

	const result = (counted: {collections: number; documents: number}) => {
		const findings = [...found.values()]
			.map(({lastDocument: _, examples, ...entry}) => ({...entry, examples: [...examples]}))
			.sort(
				(a, b) =>
					Number(a.finding !== 'source-value') - Number(b.finding !== 'source-value') ||
					b.count - a.count ||
					`${a.collection}.${a.path}`.localeCompare(`${b.collection}.${b.path}`),
			);
		return {scanned: {...counted, strings, numbers}, findings};
	};
	return {visit: visitBatch, result};
}

/** A detector's hit is suspected in a path kept or not classified; in a path with a strategy it is that strategy's fake. */
function targetPolicy(classification: CollectionClass | undefined, path: string): TargetPolicy {
	if (!classification) return {suspect: true, classification: 'collection not classified'};
	if (classification.kind !== 'fields') return {suspect: true, classification: `collection ${classification.kind}`};
	const field = classifyPath(classification.fields, path);
	if (!field) return {suspect: true, classification: 'not classified'};
	if (field.action === 'keep') return {suspect: true, classification: 'keep'};
	return {suspect: false, classification: strategyName(field.action)};
}

/** A strategy as monarch.json writes it (`fake.email`, `mask:0,2`), a constant's value left out. */
function strategyName(strategy: Strategy): string {
	if (strategy.kind === 'fake') return `fake.${strategy.fake}`;
	if (strategy.kind === 'mask') return `mask:${strategy.keepStart},${strategy.keepEnd}`;
	return strategy.kind;
}
