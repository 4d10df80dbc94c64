/** @jsxRuntime automatic */
/** @jsxImportSource react */
import {performance} from 'node:perf_hooks';
import test from 'ava';
import {Box, Text, useInput} from 'ink';
import {render} from 'ink-testing-library';
import {useState} from 'react';
import {makeEnvironment} from '../../source/core/environments.js';
import {Modal} from '../../source/tui/components/modal.js';
import {StatusBar} from '../../source/tui/components/status-bar.js';
import {shownErrors} from './helpers/error-screen.js';
import {keys, press, waitForText} from './helpers/ink.js';

/**
 * The waits of the TUI tests fail as soon as the screen shows an error, with
 * the screen in the message, instead of waiting out their timeout; a screen
 * whose data says "error" does not trip them; a test that expects an error
 * screen says so (`allowError`), or waits for it first.
 */

const failure = ['Migration 20260102000000_broken failed on development: campaigns is locked', '', 'What to do: fix it, then run it again'];

/** The app's job-failure modal; esc closes it (`closed`), o opens it again. */
function FailedJob() {
	const [open, setOpen] = useState(true);
	// Reads no state: Ink may still hold the handler of the frame before.
	useInput(input => {
		if (input === 'o') setOpen(true);
	});
	if (open)
		return <Modal title="Failed: Migrate development" tone="error" lines={failure} width={70} height={10} onClose={() => setOpen(false)} />;
	return <Text>closed</Text>;
}

test('a wait fails at once when the screen shows an error modal, naming it, with the whole screen', async t => {
	const app = render(<FailedJob />);
	const started = performance.now();
	const error = await t.throwsAsync(waitForText(app.lastFrame, 'Migrate development done', 60_000));
	const elapsed = performance.now() - started;
	t.regex(
		error.message,
		/^The screen shows an error \(error modal "Failed: Migrate development"\) while waiting for "Migrate development done"\. Frame:\n/,
	);
	t.true(error.message.endsWith(app.lastFrame()!), 'the whole frame');
	t.regex(error.message, /│ Migration 20260102000000_broken failed on development: campaigns +│\n│ is locked/);
	t.true(elapsed < 10_000, `rejected after ${Math.round(elapsed)} ms of a 60 s timeout`);
	app.unmount();
});

test('a test that expects an error screen passes it by: allowError, or waiting for the error first (until it goes and comes back)', async t => {
	const app = render(<FailedJob />);
	// allowError: the wait passes the modal by until esc closes it.
	const closing = waitForText(app.lastFrame, 'closed', {allowError: true});
	await press(app, keys.escape);
	t.regex(await closing, /^closed$/m);

	// Waited for: the error is in the frame the test has in hand, so the next waits pass it by while it stays.
	await press(app, 'o');
	t.regex(await waitForText(app.lastFrame, 'Failed: Migrate development'), /What to do: fix it/);
	await press(app, keys.escape);
	t.regex(await waitForText(app.lastFrame, 'closed'), /^closed$/m);

	// Gone and back: a new error again.
	await press(app, 'o');
	const error = await t.throwsAsync(waitForText(app.lastFrame, 'Migrate development done'));
	t.regex(error.message, /^The screen shows an error \(error modal "Failed: Migrate development"\)/);
	app.unmount();
});

test('the word "error" in data trips no wait: failed rows, a failed migration\'s details, a job log, an info modal', async t => {
	function Data() {
		const [ready, setReady] = useState(false);
		useInput(input => {
			if (input === 'r') setReady(true);
		});
		return (
			<Box flexDirection="column">
				<Text>{'› Failed    20260102000000_broken                 Error: campaigns is locked'}</Text>
				<Text>{'Cannot      error_log        3 docs'}</Text>
				<Text>✘ Migration 20260102000000_broken failed: Cannot read properties of undefined</Text>
				<Modal
					title="20260102000000_broken"
					tone="error"
					lines={['Error: campaigns is locked', '    at run (broken.ts:3:9)']}
					width={60}
					height={8}
					onClose={() => {}}
					isActive={false}
				/>
				<Modal
					title="Rolled back production"
					tone="info"
					lines={['Cannot undo this one: it has no down()', 'Failed: none']}
					width={60}
					height={8}
					onClose={() => {}}
					isActive={false}
				/>
				<Text>{ready ? 'ready' : 'reading'}</Text>
			</Box>
		);
	}

	const app = render(<Data />);
	t.deepEqual(shownErrors(app.lastFrame()!), []);
	await press(app, 'r');
	t.regex(await waitForText(app.lastFrame, /^ready$/m), /Error: campaigns is locked/);
	app.unmount();
});

test("what counts as an error screen: an error toast above the status bar, Ink's crash screen, monarch exiting in a terminal", async t => {
	const development = makeEnvironment({name: 'development', uri: 'mongodb://127.0.0.1:27017', database: 'shop_dev'});
	const bottom = (toast: string) => {
		const view = render(
			<Box flexDirection="column">
				<Text>{'  BACKUP                 STATE'}</Text>
				<Text>{'Cannot restore me        incomplete'}</Text>
				<Text>{toast}</Text>
				<StatusBar
					environment={development}
					status={{
						checking: false,
						environment: 'development',
						reachable: true,
						latencyMs: 3,
						collections: 2,
						dataSize: 2048,
						checkedAt: new Date(0),
					}}
					width={80}
				/>
				<Text>{'enter restore  n new backup  ? help  q quit'}</Text>
			</Box>,
		);
		const frame = view.lastFrame()!;
		view.unmount();
		return frame;
	};

	t.deepEqual(shownErrors(bottom('Cannot restore broken__2026_01_01: incomplete (no manifest: interrupted or still being written)')), [
		'error toast "Cannot restore broken__2026_01_01: incomplete (no manifest: interrupted or still being written)"',
	]);
	t.deepEqual(shownErrors(bottom('20260102000000_broken has no file left to run')), [
		'error toast "20260102000000_broken has no file left to run"',
	]);
	t.deepEqual(shownErrors(bottom('Only one environment is configured: there is nowhere to copy into')), [
		'error toast "Only one environment is configured: there is nowhere to copy into"',
	]);
	// Info toasts, and "Cannot" in a row that is not the toast's.
	t.deepEqual(shownErrors(bottom('no lock held on development')), []);
	t.deepEqual(shownErrors(bottom('Copied the CLI line to the clipboard (if your terminal allows OSC 52)')), []);
	t.deepEqual(shownErrors(bottom(' ')), []);

	// Ink's crash screen as it draws it (its first line, then the stack); with CI=true Ink draws no frame before it exits, so the screen is written out here.
	t.deepEqual(shownErrors('\n  ERROR  the panel broke\n\n source/tui/panels/backups-panel.tsx:12:9\n'), [
		'Ink\'s crash screen "ERROR  the panel broke"',
	]);

	t.deepEqual(shownErrors('monarch 0.2.0\n\nEXIT=1'), ['monarch exited (EXIT=1): the screen will not change']);
	t.deepEqual(shownErrors('EXIT=0 is a row here'), []);
});
