/**
 * `${VAR}` and `${VAR:-default}` inside configuration strings, taken from the
 * process environment so that secrets stay out of monarch.json.
 */
const variablePattern = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export type Interpolated = {value: string; missing: string[]};

export function interpolate(text: string, environment: NodeJS.ProcessEnv): Interpolated {
	const missing: string[] = [];
	const value = text.replace(variablePattern, (_match, name: string, fallback: string | undefined) => {
		const found = environment[name];
		if (found !== undefined && found !== '') return found;
		if (fallback !== undefined) return fallback;
		missing.push(name);
		return '';
	});
	return {value, missing};
}
