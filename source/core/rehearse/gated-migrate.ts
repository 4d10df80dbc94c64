import {findEnvironment} from '../environments.js';
import type {MigrateNamedOptions, MigrateResult} from '../migrations/run.js';
import {migrateNamed} from '../migrations/run.js';
import {gateRefusal} from './gate.js';
import {readGate} from './plan.js';

/** `migrate`'s and `migrate_one`'s options with `--unrehearsed`. */
export type GatedMigrateOptions = Omit<MigrateNamedOptions, 'gate'> & {
	/** `--unrehearsed`: run even though the gate refuses (recorded in history). */
	unrehearsed?: boolean | undefined;
};

/**
 * `monarch migrate` and `migrate_one` (the CLI's and the TUI's): on an
 * environment that requires a rehearsal (`migrate.requireRehearsal`), or is
 * protected (whose confirmation shows the evidence), the gate reads first,
 * writing nothing; without a passing rehearsal of exactly the pending set,
 * young enough, a required one refuses in one line (`not-rehearsed`, exit 2)
 * before any lock or backup, unless `unrehearsed`. Then `migrateNamed` runs
 * with the gate's decision: the same pending set or nothing, the evidence in
 * the confirmation, `rehearsal` and `unrehearsed` in history.
 */
export async function migrateThroughGate(options: GatedMigrateOptions): Promise<MigrateResult> {
	const {unrehearsed: goPast, ...named} = options;
	const {config, key} = named;
	const environment = findEnvironment(config.environments, options.environment, config.displayFile);
	if (!environment.requireRehearsal && !environment.protected) return migrateNamed(named);

	const {plan, decision} = await readGate({
		config,
		environment: environment.name,
		key,
		unrehearsed: goPast,
		events: options.events,
		signal: options.signal,
	});
	const nothingPending = plan.pending.length === 0 && key === undefined;
	const required = environment.requireRehearsal !== undefined;
	if (!nothingPending && required && !decision.passed && !goPast) {
		throw gateRefusal(environment.name, decision, key === undefined ? 'migrate' : 'migrate_one');
	}

	const unrehearsed = !nothingPending && required && !decision.passed;
	return migrateNamed({
		...named,
		gate: {
			pending: plan.pending,
			rehearsal: decision.passed || unrehearsed ? decision.rehearsal?.id : undefined,
			unrehearsed,
			evidence: nothingPending ? [] : plan.evidence,
		},
	});
}
