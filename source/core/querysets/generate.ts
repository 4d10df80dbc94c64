import {mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import type {ProjectConfig} from '../config/load.js';
import {MonarchError} from '../errors.js';
import {camelName, snakeName} from '../names.js';
import {querySetTemplate} from './template.js';

export type GeneratedQuerySet = {file: string; className: string};

/**
 * Writes `querysets/<snake_name>.ts` holding `<Camel>QuerySet`. A trailing
 * "query set" in the name is not doubled (`AccountQuerySet` -> account.ts).
 * Refuses an existing file and names that could be paths.
 */
export async function generateQuerySet(config: ProjectConfig, name: string): Promise<GeneratedQuerySet> {
	const snake = snakeName(name, 'generate_query_set <name>').replace(/_?query_?set$/, '');
	if (snake === '') {
		throw new MonarchError('usage', `generate_query_set <name>: "${name}" names no QuerySet`, {
			hint: 'say what it selects, e.g. data_for_account',
		});
	}

	const className = `${camelName(snake)}QuerySet`;
	const file = path.join(config.querysetsDir, `${snake}.ts`);
	await mkdir(config.querysetsDir, {recursive: true});
	try {
		await writeFile(file, querySetTemplate(className), {flag: 'wx'});
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
			throw new MonarchError('usage', `${path.relative(config.root, file)} already exists; nothing was changed`, {
				hint: 'pick another name, or edit that file',
			});
		}

		throw error;
	}

	return {file, className};
}
