import type {ProjectConfig} from '../config/load.js';
import type {OperationOptions} from '../events.js';
import type {ScrubAuditResult} from './audit.js';
import type {ScrubPlan} from './policy.js';

/** `scrub.audit` after a scrubbed copy or restore: the audit's result, or why none could run. */
export type CopyAudit = {ran: true; result: ScrubAuditResult} | {ran: false; reason: string};

/**
 * With `scrub.audit: true` in monarch.json, audits the target of a scrubbed
 * copy or restore that just finished (`scrub_audit <source>:<target>`); the
 * copy has happened whatever the audit finds. `source` is the environment the
 * data came from: for a restore, the backup's environment when monarch.json
 * still has it (its live data, which may differ from the backup's). For a
 * restored archive file (`restore --file`), which names no environment,
 * `archive` is the source instead: the file's database, read again from the
 * file. Undefined when nothing was scrubbed or `scrub.audit` is off.
 */
export async function auditAfterCopy(
	options: OperationOptions & {
		config: ProjectConfig;
		plan: ScrubPlan | undefined;
		source: string | undefined;
		archive?: {file: string; database: string} | undefined;
		target: string;
	},
): Promise<CopyAudit | undefined> {
	const {config} = options;
	if (!options.plan?.scrub || !config.scrub?.audit) return undefined;
	if (options.archive) {
		const {auditScrub} = await import('./audit.js');
		return {
			ran: true,
			result: await auditScrub({
				config,
				source: options.archive.file,
				archive: options.archive,
				target: options.target,
				events: options.events,
				signal: options.signal,
			}),
		};
	}

	const source = options.source === undefined ? undefined : config.environments.find(environment => environment.name === options.source);
	if (!source) {
		return {
			ran: false,
			reason:
				options.source === undefined
					? 'the source is an archive file, not an environment of monarch.json'
					: `the backup's environment ${options.source} is not in ${config.displayFile}`,
		};
	}

	if (source.name === options.target) return {ran: false, reason: `the target is ${source.name}, where the data came from`};
	const {auditScrub} = await import('./audit.js');
	return {
		ran: true,
		result: await auditScrub({config, source: source.name, target: options.target, events: options.events, signal: options.signal}),
	};
}
