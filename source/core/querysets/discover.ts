import {readdir} from 'node:fs/promises';
import path from 'node:path';
import type {ProjectConfig} from '../config/load.js';
import {MonarchError} from '../errors.js';
import {loadBrandedClass} from '../load-module.js';
import {type QuerySetClass, querySetBrand} from './queryset.js';

/** A QuerySet found in the QuerySets folder. */
export type QuerySetFile = {
	/** The class name, e.g. `AccountQuerySet`: what `--query-set` takes (the file name works too). */
	name: string;
	/** Absolute path of the file. */
	file: string;
};

/** A QuerySet with its class loaded, ready to run. */
export type LoadedQuerySet = QuerySetFile & {querySetClass: QuerySetClass};

const extensions = ['.ts', '.mts', '.js', '.mjs'];

function isQuerySetFileName(name: string): boolean {
	return extensions.includes(path.extname(name)) && !name.endsWith('.d.ts') && !name.startsWith('.');
}

function baseName(file: string): string {
	return path.basename(file, path.extname(file));
}

/** The QuerySet files of `config.querysetsDir`, sorted by name (not loaded). */
export async function querySetFiles(config: ProjectConfig): Promise<string[]> {
	let names: string[];
	try {
		names = (await readdir(config.querysetsDir, {withFileTypes: true}))
			.filter(entry => entry.isFile() && isQuerySetFileName(entry.name))
			.map(entry => entry.name);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			throw new MonarchError('config', `The QuerySets folder ${config.querysetsDir} does not exist`, {
				hint: 'run `monarch generate_query_set <name>`, or set querysetsDir in monarch.json',
			});
		}

		throw error;
	}

	return names.sort().map(name => path.join(config.querysetsDir, name));
}

/** Loads one QuerySet file; fails naming the file when it does not load or exports no QuerySet. */
export async function loadQuerySet(file: string): Promise<LoadedQuerySet> {
	const querySetClass = await loadBrandedClass<QuerySetClass>(
		file,
		querySetBrand,
		'QuerySet',
		"export default class ... extends QuerySet (import {QuerySet} from 'monarch')",
	);
	const name = querySetClass.name && querySetClass.name !== 'default' ? querySetClass.name : baseName(file);
	return {name, file, querySetClass};
}

/** Every QuerySet of the project: its class name and file. A file that does not load fails naming it. */
export async function discoverQuerySets(config: ProjectConfig): Promise<QuerySetFile[]> {
	const loaded = await Promise.all((await querySetFiles(config)).map(async file => loadQuerySet(file)));
	return loaded.map(({name, file}) => ({name, file}));
}

/**
 * Finds a QuerySet by class name (`AwesomeDogsQuerySet`) or file name without
 * extension (`awesome_dogs`), case-insensitively. Loads the matching file
 * first, so a broken unrelated QuerySet does not get in the way.
 */
export async function findQuerySet(config: ProjectConfig, name: string): Promise<LoadedQuerySet> {
	const wanted = name.trim().toLowerCase();
	const files = await querySetFiles(config);
	const snake = wanted.replace(/[\s-]+/g, '_');
	const likely = (file: string) => {
		const base = baseName(file).toLowerCase();
		const squashed = base.replace(/_/g, '');
		return base === snake || `${squashed}queryset` === wanted.replace(/_/g, '') || squashed === wanted.replace(/_/g, '');
	};

	const ordered = [...files.filter(likely), ...files.filter(file => !likely(file))];
	const failures: unknown[] = [];
	const known: LoadedQuerySet[] = [];
	for (const file of ordered) {
		let loaded: LoadedQuerySet;
		try {
			loaded = await loadQuerySet(file);
		} catch (error) {
			if (likely(file)) throw error;
			failures.push(error);
			continue;
		}

		if (loaded.name.toLowerCase() === wanted || baseName(file).toLowerCase() === wanted) return loaded;
		known.push(loaded);
	}

	if (failures.length > 0) throw failures[0];
	const listed = known
		.map(entry => entry.name)
		.sort()
		.join(', ');
	throw new MonarchError(
		'not-found',
		`No QuerySet "${name}" in ${path.relative(config.root, config.querysetsDir) || config.querysetsDir}`,
		{
			hint: listed ? `known QuerySets: ${listed}` : 'there are none yet: `monarch generate_query_set <name>`',
		},
	);
}
