import type {Environment} from '../../core/environments/index.js';
import {MonarchError} from '../../core/errors.js';
import type {MigrateResult} from '../../core/migrations/index.js';
import {counted} from '../../core/plural.js';
import {formatDuration} from '../../core/progress.js';
import type {DangerQuestion} from '../../core/prompts.js';
import {GateRefusal} from '../../core/rehearse/index.js';
import type {TuiServices} from '../context.js';
import type {JobContext} from '../hooks/use-job-runner.js';
import {migrateLine, migrateOneLine} from './command-line.js';
import {rehearseJob} from './rehearse-job.js';

/* Started by the Migrations panel's keys (`m`, `o`) and the `:` palette: one function per job, whoever starts it. */

/** A run through the gate: `unrehearsed` goes past its refusal (`--unrehearsed --yes`). */
type GatedRun = (unrehearsed: boolean) => Promise<MigrateResult>;

/**
 * Runs every pending migration of `environment` as a job, through the
 * rehearsal gate; the core asks for the name when protected, under the
 * evidence (the rehearsal found, the safety backup, the estimate). A refusal
 * of the gate is a question (see pastRefusal). `pending`, when known, sizes
 * the overall bar.
 */
export function migratePending(tui: TuiServices, environment: Environment, pending?: number, reload?: () => void): void {
	const {name} = environment;
	const after = afterRefusal(tui, environment, reload);
	tui.startJob({
		title: `Migrate ${name}`,
		command: migrateLine(environment),
		steps: pending,
		async run(job) {
			const {migrateThroughGate} = await import('../../core/rehearse/index.js');
			return pastRefusal(job, environment, after, {
				line: migrateLine(environment, true),
				run: async unrehearsed => migrateThroughGate({config: tui.config, environment: name, ...jobOptions(job, unrehearsed)}),
			});
		},
		summary(result) {
			if (result.migrations.length === 0) return `Nothing to migrate on ${name}`;
			const total = formatDuration(result.migrations.reduce((sum, ran) => sum + (ran.durationMs ?? 0), 0));
			return `Ran ${counted(result.migrations.length, 'migration')} on ${name} in ${total}`;
		},
		onSettled: after.settled,
	});
}

/**
 * Runs one migration whatever its state, after a yes/no (or, when
 * protected, the typed name the core asks for), through the gate as
 * migratePending. `state`, when known, is named in the question.
 */
export function runOneMigration(tui: TuiServices, environment: Environment, key: string, state?: string, reload?: () => void): void {
	const after = afterRefusal(tui, environment, reload);
	tui.startJob({
		title: `Run ${key} on ${environment.name}`,
		command: migrateOneLine(key, environment),
		steps: 1,
		async run(job) {
			if (!environment.protected) {
				const yes = await job.prompter.confirm({
					key: 'confirm',
					message: `Run ${key} on ${environment.name} whatever its state${state ? ` (${state})` : ''}?`,
					default: false,
				});
				if (!yes) throw new MonarchError('refused', `Not confirmed: run ${key} on "${environment.name}"; nothing was changed`);
			}

			const {migrateThroughGate} = await import('../../core/rehearse/index.js');
			return pastRefusal(job, environment, after, {
				line: migrateOneLine(key, environment, true),
				run: async unrehearsed =>
					migrateThroughGate({config: tui.config, environment: environment.name, key, ...jobOptions(job, unrehearsed)}),
			});
		},
		summary: result => `Ran ${key} on ${environment.name} in ${formatDuration(result.migrations[0]?.durationMs ?? 0)}`,
		onSettled: after.settled,
	});
}

/** The job's prompter, events and signal; past the refusal, `--unrehearsed` and `--yes` (the name was typed with it). */
function jobOptions(job: JobContext, unrehearsed: boolean) {
	const {prompter, events, signal} = job;
	return unrehearsed ? {prompter, events, signal, unrehearsed, yes: true} : {prompter, events, signal};
}

/** What follows a migrate job: the list read again, and the rehearsal when `R` was picked at the refusal. */
type AfterRefusal = {rehearseNext: () => void; settled: () => void};

function afterRefusal(tui: TuiServices, environment: Environment, reload: (() => void) | undefined): AfterRefusal {
	let rehearse = false;
	return {
		rehearseNext() {
			rehearse = true;
		},
		settled() {
			reload?.();
			if (rehearse) rehearseJob(tui, environment.name, reload);
		},
	};
}

/**
 * `run` through the gate, the TUI's `--unrehearsed`: refused, nothing is
 * written yet and the job asks, under the refusal's line (red when the
 * rehearsal failed, yellow when none fits), to type `<name> unrehearsed`
 * (which also confirms a protected environment's name: no second question);
 * typed, the job's CLI line becomes `line` and `run` goes past the gate,
 * history recording it as the CLI's flag does. `R` instead stops the job
 * (nothing changed) and the rehearsal starts after it; esc cancels.
 */
async function pastRefusal(
	job: JobContext,
	environment: Environment,
	after: AfterRefusal,
	{line, run}: {line: string; run: GatedRun},
): Promise<MigrateResult> {
	try {
		return await run(false);
	} catch (error) {
		if (!(error instanceof GateRefusal)) throw error;
		if (!(await job.prompter.confirmDangerous(refusalQuestion(environment.name, error)))) {
			after.rehearseNext();
			throw new MonarchError('refused', `Not run: rehearsing ${environment.name} first; nothing was changed`);
		}

		job.setCommand(line);
		return run(true);
	}
}

/** The question a refusal of the gate asks: its line (red when the rehearsal failed, yellow otherwise), `R` to rehearse instead, or type `<name> unrehearsed`. */
export function refusalQuestion(name: string, refusal: GateRefusal): DangerQuestion {
	return {
		message: 'Run it anyway, unrehearsed (the history records it)?',
		expected: `${name} unrehearsed`,
		evidence: [{text: refusal.message, tone: refusal.reason === 'failed' ? 'bad' : 'warn'}],
		instead: `rehearse ${name} now`,
	};
}
