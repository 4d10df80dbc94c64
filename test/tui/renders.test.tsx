/** @jsxRuntime automatic */
/** @jsxImportSource react */
import test from 'ava';
import {type ComponentType, Profiler} from 'react';
import {panels} from '../../source/tui/panels/registry.js';
import type {PanelProps} from '../../source/tui/panels/types.js';
import {createProject, migrationSource} from '../helpers/project.js';
import {openApp} from './helpers/app.js';
import {keys, press, waitForText} from './helpers/ink.js';
import {createLatch} from './helpers/latch.js';

process.env.MONARCH_CONNECT_TIMEOUT_MS = '2000';

/**
 * Counts the commits of a panel's subtree (its own renders, from its parent
 * or from the context it reads) with React's Profiler.
 */
function countRenders(id: string): {count: () => number; restore: () => void} {
	const definition = panels.find(candidate => candidate.id === id)!;
	const Original = definition.Component as ComponentType<PanelProps>;
	let count = 0;
	definition.Component = (props: PanelProps) => (
		<Profiler id={id} onRender={() => count++}>
			<Original {...props} />
		</Profiler>
	);
	return {
		count: () => count,
		restore: () => {
			definition.Component = Original;
		},
	};
}

test.serial("a running job's progress does not re-render the panel under it", async t => {
	const latches = [createLatch(t), createLatch(t), createLatch(t)];
	// However the test ends, the migration goes on and the worker can exit.
	t.teardown(async () => Promise.all(latches.map(async latch => latch.open())));
	// Three progress steps; the migration waits at a latch after each, so the test sees every one.
	const body = latches.map((latch, index) => `\t\tthis.progress(${index + 1}, 3);\n\t\t{\n${latch.wait}\n\t\t}`).join('\n');
	const project = await createProject(t, {migrations: {'20260101000000_steps.ts': migrationSource('Steps', body)}});
	const renders = countRenders('migrations');
	t.teardown(renders.restore);
	const app = await openApp(t, project);
	await press(app, '2');
	await waitForText(app.lastFrame, '1 migration, 1 pending');
	await press(app, 'm');
	await waitForText(app.lastFrame, /1\/3 docs/);
	const before = renders.count();
	await latches[0]!.open();
	await waitForText(app.lastFrame, /2\/3 docs/);
	await latches[1]!.open();
	await waitForText(app.lastFrame, /3\/3 docs/);
	const during = renders.count() - before;
	t.log(`panel renders while the job's progress went 1/3 -> 3/3: ${during}`);
	t.is(during, 0);
	await latches[2]!.open();
	await waitForText(app.lastFrame, 'Migrate development done');
	await press(app, keys.escape);
	await waitForText(app.lastFrame, '1 migration, 0 pending');
});
