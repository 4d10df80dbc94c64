import type {Db} from 'mongodb';
import {countForProgress} from '../collections.js';
import type {ProjectConfig} from '../config/load.js';
import {connect} from '../connection.js';
import {type Environment, findEnvironment} from '../environments.js';
import {describeError, isMonarchError, MonarchError} from '../errors.js';
import {ignoreEvents, type OperationOptions} from '../events.js';
import {discoverMigrations} from '../migrations/discover.js';
import {readHistory} from '../migrations/history.js';
import type {ToneLine} from '../prompts.js';
import {estimateRun, evidenceLines, type RunEstimate} from './evidence.js';
import {checkGate, decidesGate, type GateDecision, type GateReason} from './gate.js';
import type {PendingMigration, RehearsalReport} from './report.js';
import {serverTime} from './stamp.js';
import {readRehearsalsUntil} from './stored.js';

export type MigratePlanOptions = OperationOptions & {
	config: ProjectConfig;
	environment: string;
	/** `migrate_one`: the one migration it would run. */
	key?: string | undefined;
	/** `--unrehearsed`: the run would go past the gate's refusal (said in the evidence). */
	unrehearsed?: boolean | undefined;
};

/** The stored rehearsal a plan names, as `--plan --json` prints it. */
export type PlannedRehearsal = {
	id: string;
	/** The copy's time as the server saw it. */
	takenAt: string;
	querySet: string | null;
	passed: boolean;
	verdict: string;
};

/**
 * `monarch migrate <env> --plan`: what a migrate would run and whether the
 * rehearsal gate lets it, read without writing anything (no lock, no backup).
 */
export type MigratePlan = {
	environment: string;
	database: string;
	/** The environment's server's time when the plan was made: rehearsals' ages are measured on it. */
	serverNow: string;
	/** What `migrate` would run, in order (key and sha256 of its file); `migrate_one` runs `key` of them. */
	pending: PendingMigration[];
	key: string | null;
	/** `migrate.requireRehearsal` of the environment; null when none is required. */
	requireRehearsal: {within: string; querySet: boolean} | null;
	gate: {passed: boolean; reason: GateReason | null; why: string; rehearsal: PlannedRehearsal | null; ageMs: number | null};
	/** How long the run should take there, from the rehearsal relied on. */
	estimate: RunEstimate | null;
	/** The migrate would go ahead: nothing pending, or no rehearsal required, or the gate passes (`--plan` exits 0; else 3). */
	passes: boolean;
	/** The lines its confirmation shows (see `evidenceLines`). */
	evidence: ToneLine[];
};

/** A plan and the gate's decision with the whole report it relied on. */
export type GateReading = {plan: MigratePlan; decision: GateDecision; environment: Environment};

/** Plans a migrate (see {@link MigratePlan}): read only. */
export async function planMigrate(options: MigratePlanOptions): Promise<MigratePlan> {
	return (await readGate(options)).plan;
}

/**
 * Reads what the gate decides on, writing nothing: the pending set (files
 * against the environment's history), the server's time, the stored
 * rehearsals of the environment; then decides, and counts the environment's
 * documents for the estimate when a rehearsal is relied on.
 */
export async function readGate(options: MigratePlanOptions): Promise<GateReading> {
	const {config} = options;
	const events = options.events ?? ignoreEvents;
	const environment = findEnvironment(config.environments, options.environment, config.displayFile);
	const files = await discoverMigrations(config.migrationsDir);
	if (options.key !== undefined && !files.some(file => file.key === options.key)) {
		throw new MonarchError('not-found', `No migration "${options.key}" in ${config.migrationsDir}`, {
			hint: `see \`monarch list_migrations ${environment.name}\``,
		});
	}

	const connection = await connect(environment, {access: 'read', events});
	try {
		const entries = await readHistory(connection.db);
		const pending = files.filter(file => entries.get(file.key)?.state !== 'Completed').map(({key, checksum}) => ({key, checksum}));
		const serverNow = await serverTime(connection.db);
		if (!serverNow) {
			throw new MonarchError('connection', `${environment.name}'s server told no time: a rehearsal's age cannot be measured`, {
				hint: 'rehearsals are dated and aged by the server, never by this machine',
			});
		}

		const required = environment.requireRehearsal !== undefined;
		const reports = pending.length === 0 ? [] : await storedReports(options, environment, pending, required);
		const decision = checkGate({
			environment: environment.name,
			pending,
			key: options.key,
			reports,
			serverNow,
			requirement: environment.requireRehearsal,
		});
		if (decision.reason === 'none' && !config.backups.local && !config.backups.s3) {
			decision.why += `; ${config.displayFile} configures no backup location, where rehearse keeps its reports`;
		}

		const relied = decision.passed ? decision.rehearsal : undefined;
		const estimate = relied ? estimateRun(relied, await countCollections(connection.db, relied.collections)) : undefined;
		const plan = planOf({options, environment, pending, serverNow, decision, estimate});
		return {plan, decision, environment};
	} finally {
		await connection.close();
	}
}

type PlanParts = {
	options: MigratePlanOptions;
	environment: Environment;
	pending: PendingMigration[];
	serverNow: Date;
	decision: GateDecision;
	estimate: RunEstimate | undefined;
};

/** The plan as `--plan` shows it, from what was read and decided. */
function planOf({options, environment, pending, serverNow, decision, estimate}: PlanParts): MigratePlan {
	const requirement = environment.requireRehearsal;
	const required = requirement !== undefined;
	return {
		environment: environment.name,
		database: environment.database,
		serverNow: serverNow.toISOString(),
		pending,
		key: options.key ?? null,
		requireRehearsal: requirement ? {within: requirement.within, querySet: requirement.querySet} : null,
		gate: {
			passed: decision.passed,
			reason: decision.reason ?? null,
			why: decision.why,
			rehearsal: decision.rehearsal ? planned(decision.rehearsal) : null,
			ageMs: decision.ageMs ?? null,
		},
		estimate: estimate ?? null,
		passes: (pending.length === 0 && options.key === undefined) || !required || decision.passed,
		evidence: evidenceLines(environment.name, decision, estimate, required && !decision.passed && options.unrehearsed === true),
	};
}

/**
 * The stored reports of the environment the gate needs: newest first, down
 * to the one that decides it (all when none does). When none is required (a
 * protected environment's evidence) a store that cannot be read is a warning
 * and no evidence; when one is, the gate cannot decide, and that is the error.
 */
async function storedReports(
	options: MigratePlanOptions,
	environment: Environment,
	pending: PendingMigration[],
	required: boolean,
): Promise<RehearsalReport[]> {
	const events = options.events ?? ignoreEvents;
	const decides = (report: RehearsalReport) => decidesGate(report, pending, environment.requireRehearsal);
	try {
		const stored = await readRehearsalsUntil(options.config, environment.name, decides, {events, signal: options.signal});
		return stored.map(entry => entry.report);
	} catch (error) {
		if (required || (isMonarchError(error) && error.code === 'cancelled')) throw error;
		events({type: 'log', level: 'warn', message: `No rehearsal evidence for ${environment.name}: ${describeError(error)}`});
		return [];
	}
}

function planned(report: RehearsalReport): PlannedRehearsal {
	return {
		id: report.id,
		takenAt: report.takenAt,
		querySet: report.querySet?.name ?? null,
		passed: report.verdict.passed,
		verdict: report.verdict.line,
	};
}

/** The environment's documents in each collection the copy held (0 for one it lacks now). */
async function countCollections(db: Db, collections: Array<{name: string; before: number}>): Promise<Map<string, number>> {
	const counts = new Map<string, number>();
	for (const {name, before} of collections) {
		if (before > 0) counts.set(name, await countForProgress(db, name).catch(() => 0));
	}

	return counts;
}
