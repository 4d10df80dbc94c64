import {existsSync} from 'node:fs';
import {mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {configFileName} from './config/find.js';
import {MonarchError} from './errors.js';

export type InitResult = {configFile: string; created: string[]};

/** Writes a starter monarch.json with migrations/ and querysets/ beside it. */
export async function initProject(folder: string): Promise<InitResult> {
	const configFile = path.join(folder, configFileName);
	if (existsSync(configFile)) {
		throw new MonarchError('usage', `${configFile} already exists; nothing was changed`, {hint: 'edit it, or remove it first'});
	}

	const database =
		path
			.basename(path.resolve(folder))
			.replace(/[^A-Za-z0-9_-]+/g, '_')
			.slice(0, 40) || 'app';
	const config = {
		environments: {
			development: {uri: 'mongodb://127.0.0.1:27017', database: `${database}_development`},
			production: {uri: '${PRODUCTION_MONGODB_URI}', database, protected: true},
		},
		migrationsDir: 'migrations',
		querysetsDir: 'querysets',
		backups: {local: {dir: 'backups'}},
	};
	const created: string[] = [];
	for (const dir of ['migrations', 'querysets']) {
		const target = path.join(folder, dir);
		if (!existsSync(target)) {
			await mkdir(target, {recursive: true});
			created.push(`${dir}/`);
		}
	}

	await writeFile(configFile, `${JSON.stringify(config, null, '\t')}\n`, {flag: 'wx'});
	created.unshift(configFileName);
	return {configFile, created};
}
