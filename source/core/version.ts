import {readFileSync} from 'node:fs';
import {hostname, userInfo} from 'node:os';

/** monarch's own version, from package.json (two folders above source/core and dist/core). */
export const monarchVersion: string = (
	JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {version: string}
).version;

/** Who is running: recorded in history and lock documents. */
export type RunnerIdentity = {host: string; user: string; pid: number};

export function runnerIdentity(): RunnerIdentity {
	let user = process.env.USER ?? 'unknown';
	try {
		user = userInfo().username;
	} catch {}

	return {host: hostname(), user, pid: process.pid};
}
