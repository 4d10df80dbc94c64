import {mkdir, readdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {now} from '../clock.js';
import type {ProjectConfig} from '../config/load.js';
import {MonarchError} from '../errors.js';
import {camelName, snakeName, timestamp} from '../names.js';
import {isMigrationFileName, keyOf} from './discover.js';
import {migrationTemplate} from './template.js';

export type GeneratedMigration = {key: string; file: string; className: string};

/** Writes `migrations/<UTC yyyyMMddHHmmss>_<snake_name>.ts`. */
export async function generateMigration(config: ProjectConfig, name: string, at = now()): Promise<GeneratedMigration> {
	const snake = snakeName(name, 'generate <name>');
	const key = `${timestamp(at)}_${snake}`;
	const className = `${camelName(snake)}Migration`;
	await mkdir(config.migrationsDir, {recursive: true});
	const existing = (await readdir(config.migrationsDir)).filter(isMigrationFileName).map(keyOf).sort();
	const last = existing.at(-1);
	if (last !== undefined && last >= key) {
		throw new MonarchError('usage', `${key} would not sort after the newest migration ${last}`, {
			hint: last.startsWith(timestamp(at)) ? 'wait a second and generate again' : 'check the clock, or rename the newest migration',
		});
	}

	const file = path.join(config.migrationsDir, `${key}.ts`);
	await writeFile(file, migrationTemplate(className), {flag: 'wx'});
	return {key, file, className};
}
