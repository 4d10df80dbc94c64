import {BackupsPanel} from './backups-panel.js';
import {EnvironmentsPanel} from './environments-panel.js';
import {MigrationsPanel} from './migrations-panel.js';
import {QuerySetsPanel} from './querysets-panel.js';
import type {PanelDefinition} from './types.js';

export type {PanelDefinition, PanelId, PanelProps} from './types.js';

/** The panels, in tab order (see PanelDefinition for adding one). */
export const panels: PanelDefinition[] = [
	{id: 'environments', title: 'Environments', scopes: ['environments', 'list'], Component: EnvironmentsPanel},
	{id: 'migrations', title: 'Migrations', scopes: ['migrations', 'list'], Component: MigrationsPanel},
	{id: 'backups', title: 'Backups', scopes: ['backups', 'list'], Component: BackupsPanel},
	{id: 'querysets', title: 'QuerySets', scopes: ['querysets', 'list'], Component: QuerySetsPanel},
];
