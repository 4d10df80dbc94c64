/**
 * Each core subsystem has a front door, its `index.ts`, and the CLI and the
 * TUI come in through those doors only (or take one of the ground floor's
 * small modules). The CLI imports no subsystem value statically: its values
 * load through `await import(...)` when a command runs, so registering the
 * commands loads nothing but the ground floor and the few values commander
 * needs to parse (named below). Read from the sources with TypeScript's own
 * pre-processor and parser (type-only and dynamic imports, `typeof import()`
 * included); the doors' own cost is read from the build (`npm test` builds
 * first).
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import ts from 'typescript';
import {packagesReached} from './helpers/packages-reached.js';

const source = fileURLToPath(new URL('../source/', import.meta.url));
const core = path.join(source, 'core');
const dist = fileURLToPath(new URL('../dist/core/', import.meta.url));

/** The subsystems, each with `source/core/<name>/index.ts`. */
const subsystems = [
	'config',
	'environments',
	'migrations',
	'archive',
	'storage',
	'backups',
	'restore',
	'querysets',
	'scrub',
	'rehearse',
	'subset',
];

/** The ground floor: small modules used everywhere, each a surface of its own (relative to source/core). */
const groundFloor = [
	'errors.ts',
	'events.ts',
	'prompts.ts',
	'plural.ts',
	'format.ts',
	'progress.ts',
	'redact.ts',
	'version.ts',
	'clock.ts',
	'phase-lines.ts',
	'recovery-lines.ts',
	'subset-estimate.ts',
	'part-words.ts',
];

/** The subsystem values the CLI imports statically (relative to source/cli), each needed before any action runs. */
const staticValues: Record<string, string[]> = {
	// commander's `--lock` choices, from environments' light unlock-lines.ts.
	'commands/unlock.ts': ['unlockableLocks'],
	// the bounds `--workers` is checked against, from restore's light workers.ts.
	'workers-option.ts': ['isWorkerCount', 'maxWorkers'],
};

const doors = new Set([...subsystems.map(name => `${name}/index.ts`), ...groundFloor]);

function sourcesOf(folder: string): string[] {
	return readdirSync(path.join(source, folder), {recursive: true, encoding: 'utf8'})
		.filter(file => /\.tsx?$/.test(file))
		.map(file => path.join(folder, file));
}

/** The core file (relative to source/core) `specifier` names from `file` (relative to source), or undefined outside core. */
function coreFile(file: string, specifier: string): string | undefined {
	if (!specifier.startsWith('.')) return undefined;
	const resolved = path.relative(core, path.resolve(path.dirname(path.join(source, file)), specifier));
	return resolved.startsWith('..') ? undefined : resolved.replace(/\.js$/, '.ts');
}

test('every core subsystem has an index.ts, and every ground-floor module exists', t => {
	t.deepEqual(
		[...doors].filter(file => !existsSync(path.join(core, file))),
		[],
	);
});

test("the CLI and the TUI import core only through a subsystem's index.ts or the ground floor (type-only and dynamic imports included)", t => {
	const files = [...sourcesOf('cli'), ...sourcesOf('tui')];
	const through: string[] = [];
	const others: string[] = [];
	for (const file of files) {
		const {importedFiles} = ts.preProcessFile(readFileSync(path.join(source, file), 'utf8'), true, true);
		for (const {fileName} of importedFiles) {
			const target = coreFile(file, fileName);
			if (target === undefined) continue;
			if (doors.has(target)) through.push(target);
			else others.push(`${file} -> core/${target}`);
		}
	}

	t.true(files.length > 50 && through.length > 100, `read ${files.length} files, ${through.length} imports of core`);
	t.true(through.includes('restore/index.ts') && through.includes('scrub/index.ts'), 'dynamic and `typeof import()` imports are read');
	t.deepEqual(others, []);
});

/** The core values `file` (relative to source) imports statically: `from` path and names, `import type` and all-`type` lists left out. */
// biome-ignore lint/complexity/noExcessiveCognitiveComplexity: one rule per kind of import a surface allows, read in one pass
function staticCoreValues(file: string): Array<{target: string; names: string[]}> {
	const text = readFileSync(path.join(source, file), 'utf8');
	const parsed = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
	const found: Array<{target: string; names: string[]}> = [];
	for (const statement of parsed.statements) {
		if (
			!(ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) ||
			!statement.moduleSpecifier ||
			!ts.isStringLiteral(statement.moduleSpecifier)
		)
			continue;
		const target = coreFile(file, statement.moduleSpecifier.text);
		if (target === undefined) continue;
		let names: string[];
		if (ts.isImportDeclaration(statement)) {
			const clause = statement.importClause;
			if (clause?.isTypeOnly) continue;
			const bindings = clause?.namedBindings;
			const named =
				bindings && ts.isNamedImports(bindings)
					? bindings.elements.filter(element => !element.isTypeOnly).map(element => (element.propertyName ?? element.name).text)
					: [];
			names = [...(clause?.name ? ['default'] : []), ...(bindings && ts.isNamespaceImport(bindings) ? ['*'] : []), ...named];
			if (clause && names.length === 0) continue;
		} else {
			if (statement.isTypeOnly) continue;
			const clause = statement.exportClause;
			names =
				clause && ts.isNamedExports(clause)
					? clause.elements.filter(element => !element.isTypeOnly).map(element => (element.propertyName ?? element.name).text)
					: ['*'];
			if (names.length === 0) continue;
		}

		found.push({target, names: names.length > 0 ? names : ['(side effect)']});
	}

	return found;
}

test('the CLI imports no subsystem value statically, but the few commander parses with (its values come through await import)', t => {
	const files = sourcesOf('cli');
	const ground = new Set(groundFloor);
	const unexpected: string[] = [];
	const used = new Set<string>();
	let read = 0;
	for (const file of files) {
		const allowed = staticValues[path.relative('cli', file)] ?? [];
		for (const {target, names} of staticCoreValues(file)) {
			read += names.length;
			if (ground.has(target)) continue;
			for (const name of names) {
				if (allowed.includes(name)) used.add(`${path.relative('cli', file)}:${name}`);
				else unexpected.push(`${file}: ${name} from core/${target}`);
			}
		}
	}

	t.true(
		files.some(file => file.startsWith(path.join('cli', 'commands'))) && read > 20,
		`read the static imports of ${files.length} files`,
	);
	t.deepEqual(unexpected, []);
	t.deepEqual(
		Object.entries(staticValues)
			.flatMap(([file, names]) => names.map(name => `${file}:${name}`))
			.filter(entry => !used.has(entry)),
		[],
		'every allowed static value is still imported (else drop it from the list)',
	);
});

test('a static import of any front door is cheap: it reaches no npm package (heavy modules load when their function is called)', async t => {
	const reached: Record<string, string[]> = {};
	for (const name of subsystems) reached[name] = await packagesReached(path.join(dist, name, 'index.js'));

	t.deepEqual(reached, Object.fromEntries(subsystems.map(name => [name, []])));
});
