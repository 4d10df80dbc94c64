import type {ComponentType} from 'react';
import type {Scope} from '../keymap.js';
import {BackupsPanel} from './backups-panel.js';
import {EnvironmentsPanel} from './environments-panel.js';
import {MigrationsPanel} from './migrations-panel.js';
import {QuerySetsPanel} from './querysets-panel.js';

/** The panels, in tab order. */
export type PanelId = 'environments' | 'migrations' | 'backups' | 'querysets';

/** What the app passes to the focused panel; the rest comes from useTui(). */
export type PanelProps = {
	width: number;
	height: number;
	/** The panel has the keyboard (no dialog, job or help on top). */
	isActive: boolean;
};

/**
 * A panel of the tab row. To add one: write `panels/<name>-panel.tsx`
 * (view, with its state in `state/` and keys in `hooks/`), give its keys a
 * scope in keymap.ts, and set `Component` and `scope` here.
 */
export type PanelDefinition = {
	id: PanelId;
	title: string;
	/** The keymap scope whose hints the footer shows while the panel has focus. */
	scopes: Scope[];
	Component: ComponentType<PanelProps> | undefined;
	/** Shown instead of a panel that is not built yet. */
	pending?: string;
};

export const panels: PanelDefinition[] = [
	{id: 'environments', title: 'Environments', scopes: ['environments', 'list'], Component: EnvironmentsPanel},
	{id: 'migrations', title: 'Migrations', scopes: ['migrations', 'list'], Component: MigrationsPanel},
	{id: 'backups', title: 'Backups', scopes: ['backups', 'list'], Component: BackupsPanel},
	{id: 'querysets', title: 'QuerySets', scopes: ['querysets', 'list'], Component: QuerySetsPanel},
];
