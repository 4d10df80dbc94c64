/** @jsxRuntime automatic */
/** @jsxImportSource react */
import type {ExecutionContext} from 'ava';
import {render} from 'ink-testing-library';
import {loadConfig} from '../../../source/core/config/load.js';
import {App} from '../../../source/tui/app.js';
import {createPromptChannel} from '../../../source/tui/state/prompt-channel.js';
import type {Project} from '../../helpers/project.js';

/** Opens the whole app on a project, as `monarch` does, in ink-testing-library's terminal; unmounted after the test. `now` fixes the day date columns are shown against. */
export async function openApp(t: ExecutionContext, project: Project, options: {now?: Date} = {}) {
	const config = await loadConfig({cwd: project.dir});
	const {now} = options;
	const app = render(
		<App
			config={config}
			channel={createPromptChannel()}
			version="9.9.9"
			pingTimeoutMs={2000}
			now={now ? () => new Date(now) : undefined}
		/>,
	);
	t.teardown(() => app.unmount());
	return app;
}
