/**
 * The shape of core's imports, read from the sources with TypeScript's own
 * pre-processor (type-only imports included): no circle anywhere, and the
 * ground floor (opening an environment) does not reach the restore machinery.
 */
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import ts from 'typescript';

const core = fileURLToPath(new URL('../source/core', import.meta.url));

/** Each core file (relative to source/core) and the core files it imports. */
function importGraph(): Map<string, string[]> {
	const files = readdirSync(core, {recursive: true, encoding: 'utf8'}).filter(file => /\.tsx?$/.test(file));
	const known = new Set(files);
	const graph = new Map<string, string[]>();
	for (const file of files) {
		const imports = ts.preProcessFile(readFileSync(path.join(core, file), 'utf8'), true, true).importedFiles.map(entry => entry.fileName);
		const local = imports
			.filter(name => name.startsWith('.'))
			.map(name => path.relative(core, path.resolve(path.dirname(path.join(core, file)), name)).replace(/\.js$/, '.ts'))
			.filter(name => known.has(name));
		graph.set(file, local);
	}

	return graph;
}

/** Every circle of the graph, each as the path that closes it (`a.ts -> b.ts -> a.ts`). */
function circles(graph: Map<string, string[]>): string[] {
	const found: string[] = [];
	const state = new Map<string, 'open' | 'done'>();
	const stack: string[] = [];
	const visit = (file: string): void => {
		state.set(file, 'open');
		stack.push(file);
		for (const next of graph.get(file) ?? []) {
			if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next].join(' -> '));
			else if (!state.has(next)) visit(next);
		}

		stack.pop();
		state.set(file, 'done');
	};

	for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
	return found;
}

function reachableFrom(graph: Map<string, string[]>, start: string): Set<string> {
	const seen = new Set<string>();
	const queue = [start];
	while (queue.length > 0) {
		const file = queue.pop()!;
		if (seen.has(file)) continue;
		seen.add(file);
		queue.push(...(graph.get(file) ?? []));
	}

	return seen;
}

test('core imports form no circle, type-only imports included', t => {
	const graph = importGraph();
	t.true(graph.size > 50, `read ${graph.size} files of source/core`);
	t.deepEqual(circles(graph), []);
});

test('opening an environment does not load the restore machinery: connect reaches no staging load, insert pool or restore flow', t => {
	const reached = reachableFrom(importGraph(), 'connection.ts');
	t.true(reached.has('swap-journal.ts'), 'connect reads the swap journal');
	const restore = [...reached].filter(file =>
		/(^|\/)(staging|insert-pool|insert-worker|restore-flow|raw-insert|load-archive)\.ts$/.test(file),
	);
	t.deepEqual(restore, []);
});
