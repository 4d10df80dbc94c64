import {useState} from 'react';
import type {ProjectConfig} from '../../core/config/index.js';
import {type AsyncState, useAsync} from '../hooks/use-async.js';
import type {ArgKind, PaletteData} from './commands.js';

/** Reads a list when the palette has opened (`openings` > 0), again at each opening. */
function useList<T>(openings: number, load: () => Promise<T>): AsyncState<T | undefined> {
	return useAsync(async () => (openings === 0 ? undefined : load()), String(openings));
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

	// Each on its own, so the backups do not wait for the QuerySets (which load their files).
	const backups = useList(openings, async () => (await (await import('../../core/backups/index.js')).listBackups(config)).backups);
	const migrations = useList(openings, async () =>
		(await (await import('../../core/migrations/index.js')).discoverMigrations(config.migrationsDir)).map(migration => migration.key),
	);
	const querySets = useList(openings, async () =>
		(await (await import('../../core/querysets/index.js')).discoverQuerySets(config)).map(querySet => querySet.name),
	);
	const unreadable: Partial<Record<ArgKind, string>> = {};
	if (backups.error) unreadable.backup = backups.error;
	if (migrations.error) unreadable.migration = migrations.error;
	if (querySets.error) unreadable.querySet = querySets.error;
	return {environments: config.environments, backups: backups.data, migrations: migrations.data, querySets: querySets.data, unreadable};
}
