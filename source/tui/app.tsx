import {Box, Text, useApp, useStdout} from 'ink';
import {
	type ComponentType,
	type Dispatch,
	memo,
	type ReactNode,
	useCallback,
	useEffect,
	useMemo,
	useReducer,
	useState,
	useSyncExternalStore,
} from 'react';
import {now as clockNow} from '../core/clock.js';
import {loadConfig, type ProjectConfig} from '../core/config/index.js';
import {describeError, MonarchError} from '../core/errors.js';
import type {RehearsalReport} from '../core/rehearse/index.js';
import {copyToClipboard, type TerminalOutput} from './clipboard.js';
import {CommandLineView} from './components/command-line-view.js';
import {Footer} from './components/footer.js';
import {Header} from './components/header.js';
import {HelpOverlay} from './components/help-overlay.js';
import {JobView} from './components/job-view.js';
import {Modal} from './components/modal.js';
import {PrivacyView} from './components/privacy-view.js';
import {PromptDialog} from './components/prompt-dialog.js';
import {RehearsalHistoryView} from './components/rehearsal-history.js';
import {RehearsalReportView} from './components/rehearsal-report.js';
import {StatusBar} from './components/status-bar.js';
import {TabRow} from './components/tab-row.js';
import {clip} from './components/text.js';
import {type ModalContent, TuiContext, type TuiServices} from './context.js';
import {useAppKeys} from './hooks/use-app-keys.js';
import {useEnvironmentStatuses} from './hooks/use-environment-statuses.js';
import {type JobSpec, useJobRunner} from './hooks/use-job-runner.js';
import {KeysProvider} from './hooks/use-keys.js';
import {useTerminalSize} from './hooks/use-terminal-size.js';
import {CommandPalette, paletteRows} from './palette/command-palette.js';
import {paletteCommands} from './palette/commands.js';
import {initialPaletteState, paletteReducer} from './palette/palette-state.js';
import {usePaletteData} from './palette/use-palette-data.js';
import {usePaletteKeys} from './palette/use-palette-keys.js';
import {panels} from './panels/registry.js';
import type {PanelId, PanelProps} from './panels/types.js';
import {type FocusTarget, focusOf, footerHints} from './state/focus.js';
import type {JobState} from './state/job-state.js';
import type {PromptChannel, PromptRequest} from './state/prompt-channel.js';
import {type AppAction, type AppState, appReducer, initialAppState} from './state/use-app-state.js';
import {createTuiPrompter} from './tui-prompter.js';

export type AppProps = {
	config: ProjectConfig;
	/** Where core questions wait for the form. */
	channel: PromptChannel;
	version: string;
	/** The folder shown in the header (defaults to the project's). */
	folder?: string;
	/** Status pings' timeout (ms). */
	pingTimeoutMs?: number;
	/** Today, for date columns; monarch's clock (fixed by MONARCH_NOW, otherwise the real one) when not given. */
	now?: () => Date;
	/** Where `y` sends a job's CLI line as OSC 52: the terminal Ink draws on (its stdout) unless given. */
	terminal?: TerminalOutput;
};

/** Rows the header, tab row, toast, status bar and footer take. */
const chromeRows = 5;

/**
 * The monarch TUI: header, tab row, the focused panel (or a job, a form, a
 * message on top of it), a toast line, the status bar and the key hints.
 * Every key goes through one KeysProvider (see useKeys).
 */
export function App(props: AppProps) {
	return (
		<KeysProvider>
			<AppScreen {...props} />
		</KeysProvider>
	);
}

function AppScreen({config: initialConfig, channel, version, folder, pingTimeoutMs, now = clockNow, terminal}: AppProps) {
	const {exit} = useApp();
	const {stdout} = useStdout();
	const {columns, rows} = useTerminalSize();
	const [config, setConfig] = useState(initialConfig);
	const prompter = useMemo(() => createTuiPrompter(channel), [channel]);
	const request = useSyncExternalStore(channel.subscribe, channel.current);
	const [state, dispatch] = useReducer(appReducer, config.environments[0]?.name, initialAppState);
	const job = useJobRunner(prompter);
	const statuses = useEnvironmentStatuses(config.environments, pingTimeoutMs);
	const [inputFocus, setInputFocus] = useState(false);
	const [palette, paletteDispatch] = useReducer(paletteReducer, initialPaletteState);
	const paletteData = usePaletteData(config, palette.open);
	const [jobsSettled, setJobsSettled] = useState(0);

	const focus = focusOf({
		request,
		app: state,
		job: job.state ? {running: job.running, hasCommand: job.state.command !== undefined, viewable: job.state.viewable ?? false} : undefined,
		paletteOpen: palette.open,
		filtering: inputFocus,
	});
	const panel = panels[state.panel] ?? panels[0]!;

	const quit = useCallback(() => {
		channel.rejectAll(new MonarchError('cancelled', 'Cancelled: monarch is closing'));
		exit();
	}, [channel, exit]);

	// However the app goes away, no core job may be left waiting for an answer (holding its connection).
	useEffect(() => () => channel.rejectAll(new MonarchError('cancelled', 'Cancelled: monarch is closing')), [channel]);

	useEffect(() => {
		if (state.quitting && !job.running) quit();
	}, [state.quitting, job.running, quit]);

	useEffect(() => {
		const error = job.state?.error;
		if (job.state?.status === 'failed' && error) {
			const lines = [error.message];
			if (error.hint) lines.push('', `What to do: ${error.hint}`);
			if (error.code === 'blocked' || error.code === 'migration-failed')
				lines.push('', 'Here: in the Migrations panel select it; enter shows its error and stack, o runs it again.');
			dispatch({type: 'modal', content: {title: `Failed: ${job.state.title}`, tone: 'error', lines}});
		}
	}, [job.state?.status]);

	useEffect(() => {
		const toast = state.toast;
		if (!toast) return;
		const timer = setTimeout(() => dispatch({type: 'clear-toast', id: toast.id}), 5000);
		return () => clearTimeout(timer);
	}, [state.toast]);

	const openPalette = useCallback(() => paletteDispatch({type: 'open'}), []);
	const copyCommand = () => {
		const line = job.state?.command;
		if (!job.state || line === undefined) return;
		const copied = copyToClipboard(terminal ?? stdout, line);
		dispatch({type: 'command', shown: {title: job.state.title, line, copied}});
		if (copied) dispatch({type: 'toast', text: 'Copied the CLI line to the clipboard (if your terminal allows OSC 52)', tone: 'info'});
	};

	useAppKeys({
		focus: focus.on,
		channel,
		prompter,
		job,
		quitting: state.quitting,
		dispatch,
		quit,
		panelCount: panels.length,
		openPalette,
		copyCommand,
	});

	const selectEnvironment = useCallback((name: string) => dispatch({type: 'environment', name}), []);
	const openPanel = useCallback(
		(id: PanelId) =>
			dispatch({
				type: 'panel',
				index: Math.max(
					0,
					panels.findIndex(candidate => candidate.id === id),
				),
			}),
		[],
	);
	const startJob = useCallback(
		<R,>(spec: JobSpec<R>) =>
			job.start({
				...spec,
				onSettled() {
					spec.onSettled?.();
					statuses.refresh();
					setJobsSettled(value => value + 1);
				},
			}),
		[job.start, statuses.refresh],
	);
	const showModal = useCallback((content: ModalContent) => dispatch({type: 'modal', content}), []);
	const showReport = useCallback((report: RehearsalReport) => dispatch({type: 'report', report}), []);
	const toast = useCallback((text: string, tone: 'info' | 'error' = 'info') => dispatch({type: 'toast', text, tone}), []);
	const showPrivacy = useCallback((environment: string) => dispatch({type: 'privacy', environment}), []);
	const showHistory = useCallback((environment: string) => dispatch({type: 'history', environment}), []);
	const reloadConfig = useCallback(async () => {
		try {
			setConfig(await loadConfig({cwd: config.root, configPath: config.file}));
		} catch (error) {
			toast(`${config.displayFile} could not be read again: ${describeError(error)}`, 'error');
		}
	}, [config.root, config.file, config.displayFile, toast]);
	// One object while nothing in it changes: a job's progress (job.state) is not in it, so it does not re-render the panel under the job.
	const services: TuiServices = useMemo(
		() => ({
			config,
			prompter,
			statuses,
			environment: state.environment,
			selectEnvironment,
			openPanel,
			startJob,
			jobRunning: job.running,
			jobsSettled,
			showModal,
			showReport,
			showPrivacy,
			showHistory,
			reloadConfig,
			toast,
			setInputFocus,
			now,
		}),
		[
			config,
			prompter,
			statuses,
			state.environment,
			selectEnvironment,
			openPanel,
			startJob,
			job.running,
			jobsSettled,
			showModal,
			showReport,
			showPrivacy,
			showHistory,
			reloadConfig,
			toast,
			now,
		],
	);
	const {submit: submitPalette} = usePaletteKeys({
		isActive: focus.on === 'palette',
		dispatch: paletteDispatch,
		commands: paletteCommands,
		data: paletteData,
		tui: services,
	});

	const height = Math.max(chromeRows + 3, rows - 1);
	const panelHeight = height - chromeRows;
	const showPalette = focus.on === 'palette';
	const panelBoxHeight = showPalette ? panelHeight - paletteRows : panelHeight;
	const overlayWidth = Math.min(columns, 100);
	const environment = config.environments.find(candidate => candidate.name === state.environment);
	const {hints, pinned} = footerHints(focus, panel.scopes);
	const overlay = overlayFor(focus.on, {request, channel, state, dispatch, job: job.state, columns, overlayWidth, panelHeight});

	const Panel = panel.Component;
	return (
		<TuiContext.Provider value={services}>
			<Box flexDirection="column" width={columns} height={height}>
				<Header version={version} folder={folder ?? config.root} width={columns} />
				<TabRow
					titles={panels.map(candidate => ({title: candidate.title, available: candidate.Component !== undefined}))}
					active={state.panel}
				/>
				<Box flexDirection="column" height={panelBoxHeight} overflow="hidden">
					{overlay}
					{/* The privacy view stays mounted under the jobs it starts (its sample and scroll kept), hidden while anything is on top. */}
					{state.privacy ? (
						<Underneath hidden={Boolean(overlay)}>
							<PrivacyView
								key={state.privacy}
								environment={state.privacy}
								width={columns}
								height={panelBoxHeight}
								isActive={focus.on === 'privacy'}
								onClose={() => dispatch({type: 'privacy', environment: undefined})}
							/>
						</Underneath>
					) : null}
					{/* The rehearsal history stays mounted under the report it opens (its list and cursor kept), hidden while anything is on top. */}
					{state.history && !state.privacy ? (
						<Underneath hidden={Boolean(overlay)}>
							<RehearsalHistoryView
								key={state.history}
								environment={state.history}
								width={columns}
								height={panelBoxHeight}
								isActive={focus.on === 'history'}
								onClose={() => dispatch({type: 'history', environment: undefined})}
							/>
						</Underneath>
					) : null}
					<Box display={overlay || state.privacy || state.history ? 'none' : 'flex'} flexDirection="column">
						{Panel ? (
							<PanelSlot
								key={panel.id}
								Component={Panel}
								width={columns}
								height={panelBoxHeight}
								isActive={focus.on === 'panel' || focus.on === 'filter'}
							/>
						) : (
							<Text dimColor wrap="wrap">
								{panel.pending}
							</Text>
						)}
					</Box>
				</Box>
				{showPalette ? (
					<CommandPalette
						state={palette}
						commands={paletteCommands}
						width={columns}
						onChange={text => paletteDispatch({type: 'edit', text})}
						onSubmit={submitPalette}
					/>
				) : null}
				<Text color={state.toast?.tone === 'error' ? 'red' : 'cyan'} wrap="truncate">
					{state.toast ? clip(state.toast.text, columns) : state.quitting ? 'Stopping the job, then quitting…' : ' '}
				</Text>
				<StatusBar environment={environment} status={environment ? statuses.get(environment.name) : undefined} width={columns} />
				<Footer hints={hints} pinned={pinned} width={columns} />
			</Box>
		</TuiContext.Provider>
	);
}

/**
 * The focused panel, drawn again only when its props or what it reads from
 * useTui() change: the app's own renders (a job's progress, a toast) pass it by.
 */
const PanelSlot = memo(function PanelSlot({Component, ...props}: PanelProps & {Component: ComponentType<PanelProps>}) {
	return <Component {...props} />;
});

/** What the overlay over the panel is drawn from. */
type OverlayProps = {
	request: PromptRequest | undefined;
	channel: PromptChannel;
	state: AppState;
	dispatch: Dispatch<AppAction>;
	job: JobState | undefined;
	columns: number;
	overlayWidth: number;
	panelHeight: number;
};

/** A view kept mounted (its state kept) while something is drawn on top of it: hidden, not unmounted. */
function Underneath({hidden, children}: {hidden: boolean; children: ReactNode}) {
	return (
		<Box display={hidden ? 'none' : 'flex'} flexDirection="column">
			{children}
		</Box>
	);
}

/** The overlay that has focus (a form, the CLI line, a message, the help, a report, a job), or nothing when focus is below them. */
function overlayFor(
	focus: FocusTarget,
	{request, channel, state, dispatch, job, columns, overlayWidth, panelHeight}: OverlayProps,
): ReactNode {
	switch (focus) {
		case 'form': {
			return request ? (
				<PromptDialog key={request.id} request={request} width={overlayWidth} onSettled={id => channel.settle(id)} />
			) : undefined;
		}

		case 'command': {
			return state.command ? (
				<CommandLineView {...state.command} width={columns} onClose={() => dispatch({type: 'command', shown: undefined})} />
			) : undefined;
		}

		case 'modal': {
			return state.modal ? (
				<Modal {...state.modal} width={overlayWidth} height={panelHeight} onClose={() => dispatch({type: 'modal', content: undefined})} />
			) : undefined;
		}

		case 'help': {
			return <HelpOverlay width={overlayWidth} height={panelHeight} onClose={() => dispatch({type: 'toggle-help'})} />;
		}

		case 'report': {
			return state.report ? (
				<RehearsalReportView
					report={state.report}
					width={columns}
					height={panelHeight}
					onClose={() => dispatch({type: 'report', report: undefined})}
				/>
			) : undefined;
		}

		case 'job': {
			return job ? <JobView job={job} width={columns} height={panelHeight} /> : undefined;
		}

		default: {
			return undefined;
		}
	}
}
