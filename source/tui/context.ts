import {createContext, useContext} from 'react';
import type {ProjectConfig} from '../core/config/index.js';
import type {Prompter} from '../core/prompts.js';
import type {RehearsalReport} from '../core/rehearse/index.js';
import type {EnvironmentStatuses} from './hooks/use-environment-statuses.js';
import type {JobSpec} from './hooks/use-job-runner.js';
import type {PanelId} from './panels/types.js';

/** A message that needs reading: a failure's message, hint and stack, or a migration's details. */
export type ModalContent = {title: string; tone: 'error' | 'info'; lines: string[]};

/** What every panel gets from the app: the project, the shared services and the app's UI actions. */
export type TuiServices = {
	config: ProjectConfig;
	/** Answers core questions with in-TUI forms. */
	prompter: Prompter;
	statuses: EnvironmentStatuses;
	/** The environment the status bar shows and the panels act on. */
	environment: string | undefined;
	selectEnvironment: (name: string) => void;
	openPanel: (id: PanelId) => void;
	/** Runs a long core operation as a job (progress, log, cancel); false when one is already running. */
	startJob: <R>(spec: JobSpec<R>) => boolean;
	jobRunning: boolean;
	/** Jobs ended so far: lists that a job may change (migrations, backups) read again when it moves, whoever started the job (a panel key or the `:` palette). */
	jobsSettled: number;
	showModal: (content: ModalContent) => void;
	/** Shows a rehearsal's report over the panel (and the finished job), until esc or q. */
	showReport: (report: RehearsalReport) => void;
	/** Opens an environment's stored rehearsals (newest first; enter shows one's report) over the panels, until esc or q. */
	showHistory: (environment: string) => void;
	/** Opens an environment's privacy view (every path, its classification and a suggestion) over the panels, until esc or q. */
	showPrivacy: (environment: string) => void;
	/** Reads monarch.json again (after a job wrote it: scrub_suggest --write); a broken file is a toast and the config in use stays. */
	reloadConfig: () => Promise<void>;
	/** A short message above the status bar that goes away by itself. */
	toast: (text: string, tone?: 'info' | 'error') => void;
	/** A panel's own text input (the `/` filter) has focus: the global keys stay off meanwhile. */
	setInputFocus: (focused: boolean) => void;
	/** Today, for date columns (this year's dates show without their year). */
	now: () => Date;
};

export const TuiContext = createContext<TuiServices | undefined>(undefined);

/** The app's services, inside a panel. */
export function useTui(): TuiServices {
	const services = useContext(TuiContext);
	if (!services) throw new Error('useTui() outside <TuiContext.Provider>');
	return services;
}
