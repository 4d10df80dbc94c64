/**
 * One bson in the process: the driver requires bson's CommonJS build, and
 * core takes bson from source/core/bson.ts, which requires that very module.
 * A core module that imported 'bson' itself would load the ES module build
 * beside it: a second copy with its own 17 MB serialisation buffer in every
 * backup, restore and copy (measured in issue 11). Reads the build (`npm
 * test` builds first).
 */
import {readdir} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {build} from 'esbuild';

const core = fileURLToPath(new URL('../dist/core/', import.meta.url));

test("no core module imports bson but core/bson.js, which requires the driver's copy", async t => {
	const entries = (await readdir(core, {recursive: true})).filter(file => file.endsWith('.js')).map(file => path.join(core, file));
	const importers = new Set<string>();
	await build({
		entryPoints: entries,
		bundle: true,
		write: false,
		outdir: 'unused',
		platform: 'node',
		format: 'esm',
		logLevel: 'silent',
		plugins: [
			{
				name: 'bson-importers',
				setup(builder) {
					builder.onResolve({filter: /.*/}, args => {
						if (args.kind === 'entry-point' || args.path.startsWith('.')) return undefined;
						if (args.path === 'bson' || args.path.startsWith('bson/')) importers.add(path.relative(core, args.importer));
						return {path: args.path, external: true};
					});
				},
			},
		],
	});
	t.true(entries.length > 50, 'the build was read');
	t.deepEqual([...importers], []);
});
