import type {Key} from 'ink';

/** Where a binding applies. The footer shows the hints of the scopes that have focus. */
export type Scope =
	| 'global'
	| 'list'
	| 'environments'
	| 'migrations'
	| 'backups'
	| 'querysets'
	| 'job'
	| 'palette'
	| 'dialog'
	| 'form'
	| 'select'
	| 'text'
	| 'filter'
	| 'modal'
	| 'report'
	| 'history'
	| 'privacy';

/** Everything a key can do. */
export type Action =
	| 'quit'
	| 'help'
	| 'next-panel'
	| 'previous-panel'
	| 'panel'
	| 'up'
	| 'down'
	| 'filter'
	| 'refresh'
	| 'back'
	| 'open-migrations'
	| 'drop'
	| 'migrate-pending'
	| 'run-one'
	| 'details'
	| 'generate'
	| 'previous-environment'
	| 'next-environment'
	| 'matrix'
	| 'rehearse'
	| 'rehearsal-history'
	| 'open-report'
	| 'rollback'
	| 'unlock'
	| 'back-up'
	| 'copy'
	| 'privacy'
	| 'write-suggestions'
	| 'audit'
	| 'restore'
	| 'new-backup'
	| 'run-queryset'
	| 'cancel-job'
	| 'view-result'
	| 'copy-command'
	| 'palette'
	| 'complete'
	| 'history-back'
	| 'history-forward'
	| 'close'
	| 'yes'
	| 'no'
	| 'submit'
	| 'cancel'
	| 'pick'
	| 'cursor-left'
	| 'cursor-right'
	| 'delete-back'
	| 'interrupt'
	| 'page-up'
	| 'page-down'
	| 'top'
	| 'bottom';

/**
 * A key name: a printable character (`j`, `/`, `?`) or one of `up`, `down`,
 * `left`, `right`, `enter`, `escape`, `backspace`, `tab`, `shift+tab`, `ctrl+c`,
 * `pageup`, `pagedown`, `home`, `end`.
 */
export type KeyName = string;

/** One row of the key map as written below. */
export type BindingSpec = {
	scope: Scope;
	action: Action;
	keys: KeyName[];
	/** A few words for the footer. */
	hint: string;
	/** The help overlay's sentence. */
	description: string;
	/** Shown in the footer (otherwise only in the help overlay). */
	footer?: boolean;
};

/** One row of the key map: the footer hints and the help overlay are drawn from these. */
export type Binding = BindingSpec & {
	/** How the keys are written in hints and help (`↑/k`, `esc/enter/q`, `1-4`): every bound key, from `keys` (see keysLabel). */
	label: string;
};

const keyLabels: Record<string, string> = {up: '↑', down: '↓', left: '←', right: '→', escape: 'esc', pageup: 'pgup', pagedown: 'pgdn'};

/**
 * How a binding's keys are written: each key, in the order bound, joined by
 * `/` (arrows as ↑↓←→, escape as esc); a run of three or more successive
 * digits as `1-4`. Labels are never written by hand, so no bound key is left
 * out of the footer or the help.
 */
export function keysLabel(keys: KeyName[]): string {
	const digits = keys.map(Number);
	const isRun =
		keys.length > 2 &&
		keys.every(key => /^\d$/.test(key)) &&
		digits.every((digit, index) => index === 0 || digit === digits[index - 1]! + 1);
	if (isRun) return `${keys[0]}-${keys.at(-1)}`;
	return keys.map(key => keyLabels[key] ?? key).join('/');
}

const bindings: BindingSpec[] = [
	{scope: 'global', action: 'help', keys: ['?'], hint: 'help', description: 'show or hide this help', footer: true},
	{scope: 'global', action: 'next-panel', keys: ['tab'], hint: 'panel', description: 'next panel'},
	{scope: 'global', action: 'previous-panel', keys: ['shift+tab'], hint: 'previous panel', description: 'previous panel'},
	{scope: 'global', action: 'panel', keys: ['1', '2', '3', '4'], hint: 'panel', description: 'go to a panel by its number'},
	{
		scope: 'global',
		action: 'palette',
		keys: [':'],
		hint: 'command',
		description: 'type a command as on the command line (migrate staging, restore <backup>:<env>)',
	},
	{scope: 'global', action: 'quit', keys: ['q'], hint: 'quit', description: 'quit (on the top level; inside a view: back)', footer: true},
	{scope: 'global', action: 'interrupt', keys: ['ctrl+c'], hint: 'quit', description: 'quit (asks first while a job runs)'},
	{scope: 'list', action: 'up', keys: ['up', 'k'], hint: 'up', description: 'move up'},
	{scope: 'list', action: 'down', keys: ['down', 'j'], hint: 'down', description: 'move down'},
	{scope: 'list', action: 'filter', keys: ['/'], hint: 'filter', description: 'filter the list by name', footer: true},
	{scope: 'list', action: 'refresh', keys: ['r'], hint: 'refresh', description: 'read again from the servers', footer: true},
	{scope: 'list', action: 'back', keys: ['escape'], hint: 'clear filter', description: 'clear the filter'},
	{
		scope: 'environments',
		action: 'open-migrations',
		keys: ['enter', 'm'],
		hint: 'migrations',
		description: "open the selected environment's migrations",
		footer: true,
	},
	{
		scope: 'environments',
		action: 'drop',
		keys: ['d'],
		hint: 'drop db',
		description: "drop the environment's database (asks first; type the name when protected)",
		footer: true,
	},
	{
		scope: 'environments',
		action: 'back-up',
		keys: ['b'],
		hint: 'back up',
		description: "back up the environment's database into the backups store",
		footer: true,
	},
	{
		scope: 'environments',
		action: 'copy',
		keys: ['y'],
		hint: 'copy to',
		description: 'copy the database into another environment (pick it; asks first)',
		footer: true,
	},
	{
		scope: 'environments',
		action: 'privacy',
		keys: ['P'],
		hint: 'privacy',
		description: "a personal-data environment's privacy view: every field path, its classification and a suggestion (scrub_suggest)",
		footer: true,
	},
	{scope: 'migrations', action: 'previous-environment', keys: ['left', 'h'], hint: 'env', description: 'previous environment'},
	{scope: 'migrations', action: 'next-environment', keys: ['right', 'l'], hint: 'env', description: 'next environment', footer: true},
	{
		scope: 'migrations',
		action: 'details',
		keys: ['enter'],
		hint: 'details',
		description: 'details of the selected migration (a failure shows its error and stack)',
		footer: true,
	},
	{
		scope: 'migrations',
		action: 'migrate-pending',
		keys: ['m'],
		hint: 'migrate',
		description: 'run every pending migration, in order',
		footer: true,
	},
	{
		scope: 'migrations',
		action: 'run-one',
		keys: ['o'],
		hint: 'run one',
		description: 'run the selected migration whatever its state (asks first)',
		footer: true,
	},
	{
		scope: 'migrations',
		action: 'generate',
		keys: ['g'],
		hint: 'new',
		description: 'generate a new migration (asks its name)',
		footer: true,
	},
	{
		scope: 'migrations',
		action: 'matrix',
		keys: ['x'],
		hint: 'matrix',
		description: 'switch between the list and the migrations x environments matrix',
		footer: true,
	},
	{
		scope: 'migrations',
		action: 'rehearse',
		keys: ['R'],
		hint: 'rehearse',
		description: "rehearse the environment's pending migrations on a scratch copy of it, then show the report",
		footer: true,
	},
	{
		scope: 'migrations',
		action: 'rehearsal-history',
		keys: ['H'],
		hint: 'history',
		description: "the environment's stored rehearsals, newest first (list_rehearsals); enter opens one's report",
	},
	{
		scope: 'migrations',
		action: 'rollback',
		keys: ['u'],
		hint: 'roll back',
		description: 'roll the environment back to its latest safety backup taken before a migrate (shows what it undoes, asks first)',
		footer: true,
	},
	{
		scope: 'migrations',
		action: 'unlock',
		keys: ['U'],
		hint: 'unlock',
		description:
			"remove the environment's migrations lock a dead or hung run left (shows its holder, asks first; the header says when one is held)",
	},
	{
		scope: 'backups',
		action: 'restore',
		keys: ['enter'],
		hint: 'restore',
		description: 'restore the selected backup into an environment (pick it, then confirm)',
		footer: true,
	},
	{
		scope: 'backups',
		action: 'new-backup',
		keys: ['n'],
		hint: 'new backup',
		description: 'back up an environment now (optionally with a QuerySet and a name)',
		footer: true,
	},
	{
		scope: 'querysets',
		action: 'run-queryset',
		keys: ['enter'],
		hint: 'run',
		description: 'run the selected QuerySet into a backup or a copy into another environment',
		footer: true,
	},
	{scope: 'job', action: 'cancel-job', keys: ['c'], hint: 'cancel', description: 'cancel the running job (asks first)', footer: true},
	{
		scope: 'job',
		action: 'copy-command',
		keys: ['y'],
		hint: 'copy command',
		description: "copy the job's CLI line to the clipboard (OSC 52, where the terminal allows) and show it to select",
		footer: true,
	},
	{scope: 'job', action: 'close', keys: ['escape', 'enter', 'q'], hint: 'close', description: 'close a finished job', footer: true},
	{
		scope: 'job',
		action: 'view-result',
		keys: ['v'],
		hint: 'report',
		description: "open a finished job's report again (a rehearsal's)",
		footer: true,
	},
	{
		scope: 'palette',
		action: 'complete',
		keys: ['tab'],
		hint: 'complete',
		description: 'complete the command, environment, backup, migration or QuerySet name (several fit: they are listed)',
		footer: true,
	},
	{
		scope: 'palette',
		action: 'history-back',
		keys: ['up'],
		hint: 'history',
		description: 'an earlier command of this session',
		footer: true,
	},
	{
		scope: 'palette',
		action: 'history-forward',
		keys: ['down'],
		hint: 'history',
		description: 'a later command of this session (past the newest: what you typed)',
	},
	{
		scope: 'palette',
		action: 'submit',
		keys: ['enter'],
		hint: 'run',
		description: 'run it (an unknown command or name is named under the line; nothing runs)',
		footer: true,
	},
	{scope: 'palette', action: 'cancel', keys: ['escape'], hint: 'close', description: 'close the palette', footer: true},
	{scope: 'dialog', action: 'yes', keys: ['y'], hint: 'yes', description: 'answer yes', footer: true},
	{scope: 'dialog', action: 'no', keys: ['n'], hint: 'no', description: 'answer no', footer: true},
	{scope: 'dialog', action: 'submit', keys: ['enter'], hint: 'default', description: 'take the default answer'},
	{scope: 'dialog', action: 'cancel', keys: ['escape'], hint: 'cancel', description: 'cancel (the job writes nothing)', footer: true},
	{scope: 'form', action: 'submit', keys: ['enter'], hint: 'submit', description: 'submit the answer', footer: true},
	{scope: 'form', action: 'cancel', keys: ['escape'], hint: 'cancel', description: 'cancel (the job writes nothing)', footer: true},
	{scope: 'select', action: 'up', keys: ['up', 'k'], hint: 'up', description: 'previous choice (from the first: the last)'},
	{scope: 'select', action: 'down', keys: ['down', 'j'], hint: 'move', description: 'next choice (from the last: the first)', footer: true},
	{
		scope: 'select',
		action: 'pick',
		keys: ['1', '2', '3', '4', '5', '6', '7', '8', '9'],
		hint: 'pick',
		description: 'pick the choice shown with that number',
		footer: true,
	},
	{scope: 'text', action: 'cursor-left', keys: ['left'], hint: 'cursor', description: 'move the cursor left'},
	{scope: 'text', action: 'cursor-right', keys: ['right'], hint: 'cursor', description: 'move the cursor right'},
	{scope: 'text', action: 'delete-back', keys: ['backspace'], hint: 'delete', description: 'delete the character before the cursor'},
	{
		scope: 'filter',
		action: 'submit',
		keys: ['enter'],
		hint: 'keep filter',
		description: 'keep the filter and go back to the list',
		footer: true,
	},
	{scope: 'filter', action: 'cancel', keys: ['escape'], hint: 'clear', description: 'clear the filter', footer: true},
	{scope: 'modal', action: 'close', keys: ['escape', 'enter', 'q'], hint: 'close', description: 'close the message', footer: true},
	{scope: 'modal', action: 'up', keys: ['up', 'k'], hint: 'scroll', description: 'scroll up'},
	{scope: 'modal', action: 'down', keys: ['down', 'j'], hint: 'scroll', description: 'scroll down', footer: true},
	{scope: 'report', action: 'up', keys: ['up', 'k'], hint: 'scroll', description: 'scroll up a line'},
	{scope: 'report', action: 'down', keys: ['down', 'j'], hint: 'scroll', description: 'scroll down a line', footer: true},
	{scope: 'report', action: 'page-up', keys: ['pageup'], hint: 'page up', description: 'scroll up a page'},
	{scope: 'report', action: 'page-down', keys: ['pagedown'], hint: 'page', description: 'scroll down a page', footer: true},
	{scope: 'report', action: 'top', keys: ['home'], hint: 'top', description: 'go to the top', footer: true},
	{scope: 'report', action: 'bottom', keys: ['end'], hint: 'end', description: 'go to the end', footer: true},
	{scope: 'report', action: 'close', keys: ['escape', 'q'], hint: 'close', description: 'close the report', footer: true},
	{scope: 'history', action: 'up', keys: ['up', 'k'], hint: 'up', description: 'previous rehearsal'},
	{scope: 'history', action: 'down', keys: ['down', 'j'], hint: 'move', description: 'next (older) rehearsal', footer: true},
	{scope: 'history', action: 'page-up', keys: ['pageup'], hint: 'page up', description: 'a page up'},
	{scope: 'history', action: 'page-down', keys: ['pagedown'], hint: 'page', description: 'a page down'},
	{scope: 'history', action: 'top', keys: ['home'], hint: 'top', description: 'the newest'},
	{scope: 'history', action: 'bottom', keys: ['end'], hint: 'end', description: 'the oldest'},
	{
		scope: 'history',
		action: 'open-report',
		keys: ['enter'],
		hint: 'report',
		description: "open the selected rehearsal's report",
		footer: true,
	},
	{scope: 'history', action: 'refresh', keys: ['r'], hint: 'refresh', description: 'read the stored reports again', footer: true},
	{scope: 'history', action: 'close', keys: ['escape', 'q'], hint: 'close', description: 'close the rehearsal history', footer: true},
	{scope: 'privacy', action: 'up', keys: ['up', 'k'], hint: 'scroll', description: 'scroll up a line'},
	{scope: 'privacy', action: 'down', keys: ['down', 'j'], hint: 'scroll', description: 'scroll down a line', footer: true},
	{scope: 'privacy', action: 'page-up', keys: ['pageup'], hint: 'page up', description: 'scroll up a page'},
	{scope: 'privacy', action: 'page-down', keys: ['pagedown'], hint: 'page', description: 'scroll down a page'},
	{scope: 'privacy', action: 'top', keys: ['home'], hint: 'top', description: 'go to the top'},
	{scope: 'privacy', action: 'bottom', keys: ['end'], hint: 'end', description: 'go to the end'},
	{
		scope: 'privacy',
		action: 'write-suggestions',
		keys: ['w'],
		hint: 'write',
		description: 'add the suggestions for unclassified paths to monarch.json (scrub_suggest --write; shows what it adds and asks first)',
		footer: true,
	},
	{
		scope: 'privacy',
		action: 'audit',
		keys: ['a'],
		hint: 'audit',
		description: "check that another environment holds none of this one's personal values (scrub_audit; pick the target)",
		footer: true,
	},
	{scope: 'privacy', action: 'refresh', keys: ['r'], hint: 'refresh', description: 'read the sample again', footer: true},
	{scope: 'privacy', action: 'close', keys: ['escape', 'q'], hint: 'close', description: 'close the privacy view', footer: true},
];

/** The one key map of the TUI. */
export const keymap: Binding[] = bindings.map(binding => ({...binding, label: keysLabel(binding.keys)}));

/** Titles of the help overlay's sections. */
export const scopeTitles: Record<Scope, string> = {
	global: 'Everywhere',
	list: 'Lists',
	environments: 'Environments panel',
	migrations: 'Migrations panel',
	backups: 'Backups panel',
	querysets: 'QuerySets panel',
	job: 'Running job',
	palette: 'Command palette (:)',
	dialog: 'Yes/no questions',
	form: 'Forms',
	select: 'Pick lists (in forms)',
	text: 'Text fields (forms and the filter)',
	filter: 'Filter',
	modal: 'Messages',
	report: 'Rehearsal report',
	history: 'Rehearsal history (H)',
	privacy: 'Privacy view (P)',
};

/** The name of a key press, as written in the key map (`j`, `enter`, `ctrl+c`). */
export function keyName(input: string, key: Key): KeyName {
	if (key.ctrl && input === 'c') return 'ctrl+c';
	if (key.upArrow) return 'up';
	if (key.downArrow) return 'down';
	if (key.leftArrow) return 'left';
	if (key.rightArrow) return 'right';
	if (key.pageUp) return 'pageup';
	if (key.pageDown) return 'pagedown';
	if (key.home) return 'home';
	if (key.end) return 'end';
	if (key.return) return 'enter';
	if (key.escape) return 'escape';
	// Ink 6 reports Backspace as `delete`.
	if (key.backspace || key.delete) return 'backspace';
	if (key.tab) return key.shift ? 'shift+tab' : 'tab';
	return input;
}

/** The action a key press triggers in the first of `scopes` that binds it. */
export function actionFor(scopes: Scope[], input: string, key: Key): Action | undefined {
	const name = keyName(input, key);
	for (const scope of scopes) {
		const binding = keymap.find(candidate => candidate.scope === scope && candidate.keys.includes(name));
		if (binding) return binding.action;
	}

	return undefined;
}

/** The footer's hints for the scopes that have focus, most specific first; with `keep`, only the bindings of the actions it keeps. */
export function hintsFor(scopes: Scope[], keep: (action: Action) => boolean = () => true): Array<{label: string; hint: string}> {
	const seen = new Set<string>();
	const hints: Array<{label: string; hint: string}> = [];
	for (const scope of scopes) {
		for (const binding of keymap) {
			if (binding.scope !== scope || !binding.footer || !keep(binding.action) || seen.has(binding.label + binding.hint)) continue;
			seen.add(binding.label + binding.hint);
			hints.push({label: binding.label, hint: binding.hint});
		}
	}

	return hints;
}

/** The help overlay: each scope's bindings. */
export function helpSections(): Array<{title: string; bindings: Binding[]}> {
	const scopes = Object.keys(scopeTitles) as Scope[];
	return scopes
		.map(scope => ({title: scopeTitles[scope], bindings: keymap.filter(binding => binding.scope === scope)}))
		.filter(section => section.bindings.length > 0);
}
