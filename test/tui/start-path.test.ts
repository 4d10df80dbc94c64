/**
 * What `monarch` loads before the TUI's first frame: dist/cli/main.js and the
 * TUI bundle (dist/tui/run.js) with everything they import statically. The
 * driver, bson, the AWS SDK, jiti, faker, zod's own modules and the URI
 * parser load on first use (dynamic imports), so a static import of them, or
 * of a core module that brings them, on this path slows every start; this
 * test names the packages the path reaches. Reads the build (`npm test`
 * builds first).
 */
import {isBuiltin} from 'node:module';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {build} from 'esbuild';

const dist = fileURLToPath(new URL('../../dist/', import.meta.url));

/** The npm packages `entry` reaches through static imports (and require calls), dynamic imports left out. */
async function packagesReached(entry: string): Promise<string[]> {
	const reached = new Set<string>();
	await build({
		entryPoints: [entry],
		bundle: true,
		write: false,
		platform: 'node',
		format: 'esm',
		logLevel: 'silent',
		plugins: [
			{
				name: 'static-imports',
				setup(builder) {
					builder.onResolve({filter: /.*/}, args => {
						if (args.kind === 'entry-point') return undefined;
						if (args.kind === 'dynamic-import' || isBuiltin(args.path)) return {path: args.path, external: true};
						if (args.path.startsWith('.')) return undefined;
						const parts = args.path.split('/');
						reached.add(args.path.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
						return {path: args.path, external: true};
					});
				},
			},
		],
	});
	return [...reached].sort();
}

test('the CLI entry point loads no package before it knows what to run', async t => {
	t.deepEqual(await packagesReached(`${dist}cli/main.js`), []);
});

test('the TUI reaches only small formatting packages before its first frame (core/zod.js is zod bundled into one file)', async t => {
	t.deepEqual(await packagesReached(`${dist}tui/run.js`), ['pretty-bytes', 'simple-eta']);
});
