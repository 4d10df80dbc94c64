/**
 * `npm run build`: compiles source/ into dist/ with tsc (JavaScript and the
 * .d.ts files that `import ... from 'monarch'` uses), then bundles the TUI
 * (dist/tui/run.js with Ink, React and their few hundred small modules) into
 * that one file with esbuild, so that `monarch` draws its first frame without
 * resolving them one by one. dist/core stays as tsc wrote it: the bundle
 * imports it, so that the TUI, the CLI and users' migrations share one copy of
 * core (one MonarchError, one driver). Only dist/core/zod.js, core's one
 * import of zod, is bundled with zod (a hundred small modules, read on every
 * start for monarch.json's schema). dist/tui/grammar.js becomes the static
 * description of commander's program (writeGrammar), so the TUI bundle does
 * not hold commander.
 */
import {spawn} from 'node:child_process';
import {createHash} from 'node:crypto';
import {readdir, readFile, rm, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import type {BuildOptions, Plugin} from 'esbuild';
import {repoRoot} from './servers/paths.js';

const dist = path.join(repoRoot, 'dist');
const tuiEntry = path.join(dist, 'tui', 'run.js');
const zodEntry = path.join(dist, 'core', 'zod.js');

/** Runs tsc on tsconfig.json; resolves with its exit status. */
async function compile(): Promise<number> {
	const child = spawn(path.join(repoRoot, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], {cwd: repoRoot, stdio: 'inherit'});
	return new Promise((resolve, reject) => {
		child.once('error', reject);
		child.once('exit', (code, signal) => resolve(code ?? (signal ? 130 : 1)));
	});
}

/**
 * Imports of dist/core stay imports (one copy of core); Ink's devtools (only
 * with DEV=true, and its package is not installed) becomes empty; Yoga's
 * WebAssembly loader decodes its inline base64 itself instead of asking
 * `typeof fetch`, whose first look loads Node's fetch (undici, ~30 ms).
 */
const tuiBoundaries: Plugin = {
	name: 'monarch-tui-boundaries',
	setup(builder) {
		builder.onResolve({filter: /^\.\/devtools\.js$/}, args =>
			args.importer.includes(`${path.sep}node_modules${path.sep}ink${path.sep}`)
				? {path: 'ink-devtools', namespace: 'monarch-empty'}
				: undefined,
		);
		builder.onLoad({filter: /.*/, namespace: 'monarch-empty'}, () => ({contents: '', loader: 'js'}));
		builder.onLoad({filter: /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/}, async args => {
			const source = await readFile(args.path, 'utf8');
			if (!source.includes('typeof fetch'))
				throw new Error(`${args.path}: no \`typeof fetch\` to replace (yoga-layout changed: check its loader)`);
			return {contents: source.replaceAll('typeof fetch', 'typeof undefined'), loader: 'js'};
		});
		builder.onResolve({filter: /^\.\.?\//}, args => {
			const target = path.resolve(args.resolveDir, args.path);
			if (!target.startsWith(path.join(dist, 'core') + path.sep)) return undefined;
			const relative = path.relative(path.dirname(tuiEntry), target).split(path.sep).join('/');
			return {path: relative.startsWith('.') ? relative : `./${relative}`, external: true};
		});
	},
};

/** Bundles `entry`, a file tsc wrote, in place with what it imports (its source map, which described tsc's file, goes). */
async function bundleInPlace(entry: string, options: Omit<BuildOptions, 'entryPoints' | 'outfile'> = {}): Promise<void> {
	// Loaded only when something is built: npm start on a built tree does not pay for esbuild.
	const {build} = await import('esbuild');
	await build({
		entryPoints: [entry],
		outfile: entry,
		allowOverwrite: true,
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node20',
		logLevel: 'warning',
		...options,
	});
	await rm(`${entry}.map`, {force: true});
}

/** Bundles dist/tui/run.js in place (tsc's output of source/tui is its input). */
export async function bundleTui(): Promise<void> {
	await bundleInPlace(tuiEntry, {
		plugins: [tuiBoundaries],
		// React's production build: the development one checks every render and doubles the code to load.
		define: {'process.env.NODE_ENV': '"production"'},
		// Some of Ink's dependencies are CommonJS and call require().
		banner: {
			js: "import {createRequire as monarchCreateRequire} from 'node:module'; const require = monarchCreateRequire(import.meta.url);",
		},
	});
}

/**
 * Replaces dist/tui/grammar.js, which builds commander's program, by the
 * description it gives (source/cli/grammar.ts), read from the program just
 * compiled: the TUI completes and spells CLI lines from the program without
 * loading commander or the CLI's commands.
 */
async function writeGrammar(): Promise<void> {
	const [{describeProgram}, {createProgram}] = await Promise.all([
		import(pathToFileURL(path.join(dist, 'cli', 'grammar.js')).href) as Promise<typeof import('../source/cli/grammar.js')>,
		import(pathToFileURL(path.join(dist, 'cli', 'program.js')).href) as Promise<typeof import('../source/cli/program.js')>,
	]);
	const grammar = describeProgram(createProgram(new AbortController().signal));
	const header =
		"// Written by scripts/build.ts from commander's program (source/cli/program.ts): what source/tui/grammar.ts builds at run time.\n";
	await writeFile(path.join(dist, 'tui', 'grammar.js'), `${header}export const grammar = ${JSON.stringify(grammar)};\n`);
	await rm(path.join(dist, 'tui', 'grammar.js.map'), {force: true});
}

/** Where a build records the digest of what it was made from. */
const stampFile = path.join(dist, '.build-inputs');

/**
 * sha256 over everything a build reads: every file of source/ (names and
 * contents), the TypeScript configuration, the lockfile (the bundled
 * packages) and this script. Reading them costs about 20 ms; a build, 9 s.
 */
async function inputsDigest(): Promise<string> {
	const hash = createHash('sha256');
	const sourceDir = path.join(repoRoot, 'source');
	const files = (await readdir(sourceDir, {recursive: true, withFileTypes: true}))
		.filter(entry => entry.isFile())
		.map(entry => path.join(entry.parentPath, entry.name))
		.sort();
	for (const file of [...files, ...['tsconfig.json', 'package-lock.json', 'scripts/build.ts'].map(name => path.join(repoRoot, name))]) {
		hash
			.update(path.relative(repoRoot, file))
			.update('\0')
			.update(await readFile(file))
			.update('\0');
	}

	return hash.digest('hex');
}

/**
 * tsc, then the bundles (zod for core, the TUI); resolves with an exit
 * status. With `ifChanged` (npm start, npm test), nothing is done when dist/
 * was built from exactly the files there are now.
 */
export async function buildMonarch(options: {ifChanged?: boolean} = {}): Promise<number> {
	const digest = await inputsDigest();
	if (options.ifChanged && (await readFile(stampFile, 'utf8').catch(() => '')) === digest) return 0;
	await rm(stampFile, {force: true});
	const compiled = await compile();
	if (compiled !== 0) return compiled;
	for (const [what, bundle] of [
		['bundling zod', async () => bundleInPlace(zodEntry)],
		["writing the CLI's grammar", writeGrammar],
		['bundling the TUI', bundleTui],
	] as const) {
		try {
			await bundle();
		} catch (error) {
			console.error(`build: ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
			return 1;
		}
	}

	await writeFile(stampFile, digest);
	return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.join(repoRoot, 'scripts', 'build.ts')) {
	process.exitCode = await buildMonarch();
}
