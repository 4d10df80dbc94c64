import type {ProjectConfig} from '../config/load.js';
import {type Environment, makeEnvironment} from '../environments.js';
import {MonarchError} from '../errors.js';

/**
 * The environment on whose server a rehearsal of `source` makes its scratch
 * database: `rehearsal.environment` from monarch.json, else the first
 * environment (in monarch.json order) that is neither protected nor the
 * source. Refuses (exit 2, before anything is opened) a protected one, the
 * source itself, or none at all.
 */
export function rehearsalEnvironment(config: ProjectConfig, source: Environment): Environment {
	const configured = config.rehearsal.environment;
	if (configured !== undefined) {
		const chosen = config.environments.find(environment => environment.name === configured);
		if (!chosen) {
			throw new MonarchError('config', `${config.displayFile}: rehearsal.environment: "${configured}" is not an environment`, {
				hint: `name one of ${config.environments.map(environment => environment.name).join(', ')}`,
			});
		}

		if (chosen.name === source.name) {
			throw new MonarchError(
				'usage',
				`rehearse ${source.name}: rehearsal.environment in ${config.displayFile} is ${source.name} itself; a rehearsal never writes to the environment it rehearses`,
				{
					hint: 'set rehearsal.environment to an environment that is not protected (e.g. development)',
				},
			);
		}

		if (chosen.protected) {
			throw new MonarchError(
				'refused',
				`rehearse ${source.name}: rehearsal.environment "${chosen.name}" is protected (${chosen.protectionReason}); nothing was copied`,
				{
					hint: 'set rehearsal.environment to an environment that is not protected (e.g. development)',
				},
			);
		}

		return chosen;
	}

	const chosen = config.environments.find(environment => !environment.protected && environment.name !== source.name);
	if (!chosen) {
		throw new MonarchError(
			'config',
			`rehearse ${source.name}: no environment in ${config.displayFile} can hold the rehearsal (every other one is protected); nothing was copied`,
			{
				hint: 'add an environment that is not protected, and set rehearsal.environment to it',
			},
		);
	}

	return chosen;
}

/** The scratch database as an environment: the rehearsal environment's server (same uri), another database, never protected by declaration. */
export function scratchEnvironment(rehearsal: Environment, database: string): Environment {
	return makeEnvironment({
		name: `${rehearsal.name}/scratch`,
		uri: rehearsal.uri,
		database,
		description: `scratch copy for a rehearsal, on ${rehearsal.name}'s server`,
	});
}
