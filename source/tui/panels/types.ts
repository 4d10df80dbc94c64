import type {ComponentType} from 'react';
import type {Scope} from '../keymap.js';

/**
 * What a panel is, apart from the panels themselves: context.ts and the
 * panels import these types from here, and only registry.ts imports the
 * panels, so no import runs in a circle.
 */

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
 * (the view, with its state in `state/` and its keys in `hooks/`), give its
 * keys a scope in keymap.ts, and add it to `panels` in registry.ts.
 */
export type PanelDefinition = {
	id: PanelId;
	title: string;
	/** The keymap scopes whose hints the footer shows while the panel has focus. */
	scopes: Scope[];
	Component: ComponentType<PanelProps> | undefined;
	/** Shown instead of a panel that is not built yet. */
	pending?: string;
};
