/*
 * Rehearsal reports as artifacts: each rehearsal's report written as JSON to
 * `rehearsals/` of every configured backup location (local folder and S3),
 * through the backups' store contract (atomic, never overwritten), and read
 * back, checked, newest first.
 */
import {Readable} from 'node:stream';
import pMap from 'p-map';
import type {ProjectConfig} from '../config/load.js';
import {describeError, firstLine, isMonarchError, MonarchError} from '../errors.js';
import {type EventSink, ignoreEvents, type OperationOptions} from '../events.js';
import {redact} from '../redact.js';
import type {BackupStore, StoreLocation} from '../storage/contract.js';
import {readWhole} from '../storage/read-whole.js';
import {openStores} from '../storage/stores.js';
import type {RehearsalReport} from './report.js';
import {rehearsalReportSchema} from './report-schema.js';
import {idDatedAt} from './stamp.js';

/** The folder of each backup location that holds rehearsal reports. */
export const rehearsalsFolder = 'rehearsals';

const reportSuffix = '.json';

/** The largest report read (a report holds its migrations' logs; far below this). */
const maxReportBytes = 16 * 1024 * 1024;

/** A report's object name in `rehearsals/`: `<id>.json`. */
export function rehearsalObjectName(id: string): string {
	return `${id}${reportSuffix}`;
}

/** A stored rehearsal report, as {@link listRehearsals} returns it. */
export type StoredRehearsal = {
	id: string;
	/** The first location it was read from (local before S3). */
	store: StoreLocation;
	/** Every location holding it (a rehearsal writes to each configured one). */
	stores: StoreLocation[];
	/** Where it was read, for people: `backups/rehearsals/<id>.json`. */
	object: string;
	report: RehearsalReport;
};

/**
 * Writes `report` to `rehearsals/<id>.json` of every configured backup
 * location; never overwrites (the id is unique; a taken name is refused by the
 * store). Each write is a `rehearse:stored` event; a location that cannot
 * take it is a warning line and the others still get it; with no location
 * configured, one warning says the report is not kept. Returns where it was stored.
 */
export async function storeRehearsal(config: ProjectConfig, report: RehearsalReport, options: OperationOptions = {}): Promise<string[]> {
	const events = options.events ?? ignoreEvents;
	const stores = openStores(config, rehearsalsFolder);
	if (stores.length === 0) {
		events({
			type: 'log',
			level: 'warn',
			message: `The rehearsal report was not stored: ${config.displayFile} configures no backup location (add "backups")`,
		});
		return [];
	}

	const name = rehearsalObjectName(report.id);
	const body = `${JSON.stringify(report, null, 2)}\n`;
	const stored: string[] = [];
	for (const store of stores) {
		try {
			await store.write(name, Readable.from([Buffer.from(body)]), options.signal);
			stored.push(`${store.description}${name}`);
			events({type: 'rehearse:stored', id: report.id, store: store.description, object: name});
		} catch (error) {
			if (isMonarchError(error) && error.code === 'cancelled') throw error;
			events({
				type: 'log',
				level: 'warn',
				message: redact(`The rehearsal report was not stored in ${store.description}: ${describeError(error)}`),
			});
		}
	}

	return stored;
}

/**
 * Every stored rehearsal report (of `environment` when given), newest first
 * (by the copy's time as the server saw it, then id), each id once whichever
 * locations hold it. A report that cannot be read or is not a report (JSON,
 * the schema, its id against its name and its `takenAt`) is skipped with one
 * warning line naming the object, never trusted (the next location's copy is
 * read); a location that cannot be listed is one warning line, and only when
 * none can be listed does it throw. No location configured: none. An
 * environment monarch.json does not name is refused (its variables need not
 * be set: nothing is opened).
 */
export async function listRehearsals(
	config: ProjectConfig,
	environment?: string,
	options: OperationOptions = {},
): Promise<StoredRehearsal[]> {
	const read = await readRehearsalsUntil(config, environment, () => false, options);
	return read.sort((a, b) => b.report.takenAt.localeCompare(a.report.takenAt) || b.id.localeCompare(a.id));
}

/** The most reports read at once before `enough` is asked again. */
const readGroup = 8;

/**
 * The stored rehearsals (of `environment` when given), read newest first by
 * name (an id starts with the copy's time, checked against `takenAt` when
 * read), in groups growing from 1 to {@link readGroup}, stopping after the
 * group in which `enough` holds for a report: every report newer than that
 * one has been read, so a decision that looks only at the newest reports
 * (the gate's) is the one it would make on all of them, for a listing and a
 * few reads however many are stored. Errors and skipped reports as
 * {@link listRehearsals}.
 */
export async function readRehearsalsUntil(
	config: ProjectConfig,
	environment: string | undefined,
	enough: (report: RehearsalReport) => boolean,
	options: OperationOptions,
): Promise<StoredRehearsal[]> {
	const events = options.events ?? ignoreEvents;
	if (environment !== undefined && !config.environments.some(candidate => candidate.name === environment)) {
		const known = config.environments.map(candidate => candidate.name).join(', ');
		throw new MonarchError('not-found', `Unknown environment "${environment}"`, {
			hint: `known environments in ${config.displayFile}: ${known}`,
		});
	}

	const stores = openStores(config, rehearsalsFolder);
	const failures: unknown[] = [];
	const listed = await Promise.all(
		stores.map(async store => {
			try {
				return (await store.list(options.signal))
					.map(object => object.name)
					.filter(name => name.endsWith(reportSuffix) && (environment === undefined || name.startsWith(`${environment}-`)))
					.map(name => ({store, name}));
			} catch (error) {
				if (isMonarchError(error) && error.code === 'cancelled') throw error;
				failures.push(error);
				warn(events, `${store.description}: not listed: ${describeError(error)}`);
				return [];
			}
		}),
	);
	if (stores.length > 0 && failures.length === stores.length) throw failures[0];

	// Each name once, newest first, read from the first location holding it (local before S3).
	const holders = new Map<string, BackupStore[]>();
	for (const {store, name} of listed.flat()) holders.set(name, [...(holders.get(name) ?? []), store]);
	const names = [...holders.keys()].sort().reverse();
	const read: StoredRehearsal[] = [];
	// Groups of 1, 2, 4, then 8: the newest report usually decides alone.
	for (let start = 0, size = 1; start < names.length; start += size, size = Math.min(size * 2, readGroup)) {
		const group = await pMap(
			names.slice(start, start + size),
			async name => {
				// A copy that cannot be trusted is skipped (one warning), and the next location's is read.
				const holding = holders.get(name)!;
				for (const [index, store] of holding.entries()) {
					const entry = await readReport(store, name, events, options.signal);
					if (!entry) continue;
					entry.stores.push(...holding.slice(index + 1).map(other => other.location));
					return entry;
				}

				return undefined;
			},
			{concurrency: readGroup},
		);
		const reports = group.filter(
			(entry): entry is StoredRehearsal =>
				entry !== undefined && (environment === undefined || entry.report.source.environment === environment),
		);
		read.push(...reports);
		if (reports.some(entry => enough(entry.report))) break;
	}

	return read;
}

/** One report, checked; undefined (and one warning line naming it) when it cannot be trusted. */
async function readReport(
	store: BackupStore,
	name: string,
	events: EventSink,
	signal: AbortSignal | undefined,
): Promise<StoredRehearsal | undefined> {
	const where = `${store.description}${name}`;
	const skip = (why: string) => {
		warn(events, `${where}: ${why}; skipped`);
		return undefined;
	};

	let bytes: Buffer | undefined;
	try {
		bytes = await readWhole(store, name, maxReportBytes, signal);
	} catch (error) {
		if (isMonarchError(error) && error.code === 'cancelled') throw error;
		return skip(`not read: ${describeError(error)}`);
	}

	if (bytes === undefined) return skip(`not a rehearsal report (over ${maxReportBytes} bytes)`);
	let json: unknown;
	try {
		json = JSON.parse(bytes.toString('utf8'));
	} catch (error) {
		return skip(`not a rehearsal report: invalid JSON (${firstLine((error as Error).message)})`);
	}

	const parsed = rehearsalReportSchema.safeParse(json);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		const field = issue?.path.length ? `${issue.path.join('.')}: ` : '';
		return skip(`not a rehearsal report: ${field}${issue?.message ?? 'invalid'}`);
	}

	const report = parsed.data;
	if (rehearsalObjectName(report.id) !== name) return skip(`not a rehearsal report: its id is ${report.id}`);
	if (!idDatedAt(report.id, report.takenAt)) return skip(`not a rehearsal report: its id is not dated ${report.takenAt}`);
	return {id: report.id, store: store.location, stores: [store.location], object: where, report};
}

function warn(events: EventSink, message: string): void {
	events({type: 'log', level: 'warn', message: redact(message)});
}
