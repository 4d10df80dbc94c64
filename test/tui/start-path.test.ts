/**
 * What `monarch` loads before the TUI's first frame: dist/cli/main.js and the
 * TUI bundle (dist/tui/run.js) with everything they import statically. The
 * driver, bson, the AWS SDK, jiti, faker, zod's own modules and the URI
 * parser load on first use (dynamic imports), so a static import of them, or
 * of a core module that brings them, on this path slows every start; this
 * test names the packages the path reaches. Reads the build (`npm test`
 * builds first).
 */
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {packagesReached} from '../helpers/packages-reached.js';

const dist = fileURLToPath(new URL('../../dist/', import.meta.url));

test('the CLI entry point loads no package before it knows what to run', async t => {
	t.deepEqual(await packagesReached(`${dist}cli/main.js`), []);
});

test('the TUI reaches only small formatting packages before its first frame (core/zod.js is zod bundled into one file)', async t => {
	t.deepEqual(await packagesReached(`${dist}tui/run.js`), ['pretty-bytes', 'simple-eta']);
});
