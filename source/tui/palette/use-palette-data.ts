import {useState} from 'react';
import {listBackups} from '../../core/backups/catalogue.js';
import type {ProjectConfig} from '../../core/config/load.js';
import {describeError} from '../../core/errors.js';
import {discoverMigrations} from '../../core/migrations/discover.js';
import {discoverQuerySets} from '../../core/querysets/discover.js';
import {useAsync} from '../hooks/use-async.js';
import type {ArgKind, PaletteData} from './commands.js';

type Lists = Omit<PaletteData, 'environments'>;

/** Reads every list, each on its own: one that fails is left undefined, with its one-line reason. */
async function readLists(config: ProjectConfig): Promise<Lists> {
	const unreadable: Partial<Record<ArgKind, string>> = {};
	const read = async <T,>(kind: ArgKind, load: () => Promise<T>): Promise<T | undefined> => {
		try {
			return await load();
		} catch (error) {
			unreadable[kind] = describeError(error);
			return undefined;
		}
	};

	const [backups, migrations, querySets] = await Promise.all([
		read('backup', async () => (await listBackups(config)).backups),
		read('migration', async () => (await discoverMigrations(config.migrationsDir)).map(migration => migration.key)),
		read('querySet', async () => (await discoverQuerySets(config)).map(querySet => querySet.name)),
	]);
	return {backups, migrations, querySets, unreadable};
}

/**
 * What the palette completes and checks against: the environments at once,
 * and the backups (the catalogue the Backups panel lists), migration keys and
 * QuerySet names read in the background each time the palette opens.
 */
export function usePaletteData(config: ProjectConfig, open: boolean): PaletteData {
	const [openings, setOpenings] = useState(0);
	const [wasOpen, setWasOpen] = useState(open);
	if (open !== wasOpen) {
		// Adjusting state while rendering (React's pattern for "on prop change"): a new opening reads again.
		setWasOpen(open);
		if (open) setOpenings(value => value + 1);
	}

	const lists = useAsync(async () => (openings === 0 ? ({} satisfies Lists) : readLists(config)), String(openings));
	return {environments: config.environments, ...lists.data};
}
