import test from 'ava';
import {BSON, Int32} from 'bson';
import {isMonarchError} from '../../source/core/errors.js';
import {PathTree, readBsonString, walkPaths} from '../../source/core/scrub/paths.js';

function leaves(tree: PathTree<string>, document: Record<string, unknown>): string[] {
	const raw = BSON.serialize(document);
	const seen: string[] = [];
	tree.walk(raw, (path, decided, type, offset, length) =>
		seen.push(`${path}=${decided}:${type === 2 ? readBsonString(raw, offset, length) : type}`),
	);
	return seen;
}

test('a PathTree walks each document as walkPaths does, whatever its field order, and decides each leaf path once', t => {
	const asked: string[] = [];
	const tree = new PathTree(path => {
		asked.push(path);
		return path.toUpperCase();
	});
	t.deepEqual(leaves(tree, {a: 'x', b: {c: 'y', d: [new Int32(1), 'z']}, e: [{f: 'w'}, {f: 'v', g: 'u'}]}), [
		'a=A:x',
		'b.c=B.C:y',
		'b.d[]=B.D[]:16',
		'b.d[]=B.D[]:z',
		'e[].f=E[].F:w',
		'e[].f=E[].F:v',
		'e[].g=E[].G:u',
	]);
	// Another order, a field met for the first time, a name that starts like another and one of another length.
	t.deepEqual(leaves(tree, {ab: 'n', b: {d: [], c: 'y2'}, a: 'x2', aa: 'm'}), ['ab=AB:n', 'b.c=B.C:y2', 'a=A:x2', 'aa=AA:m']);
	t.deepEqual(asked, ['a', 'b.c', 'b.d[]', 'e[].f', 'e[].g', 'ab', 'aa'], 'each leaf path once; no container path');

	const document = {é: 'Rue Réelle', n: {日本: ['🐕 dog', '']}};
	const fromWalk: string[] = [];
	walkPaths(BSON.serialize(document), (path, type) => fromWalk.push(`${path}:${type}`));
	t.deepEqual(fromWalk, ['é:2', 'n.日本[]:2', 'n.日本[]:2']);
});

test('a PathTree refuses bytes that are not a BSON document, as corrupt', t => {
	const tree = new PathTree(() => true);
	const raw = BSON.serialize({a: 'x', b: {c: 'y'}});
	const cases: Array<[string, Uint8Array]> = [
		['cut short', raw.subarray(0, raw.length - 3)],
		['a string length past the end', withByte(raw, 9, 200)],
		['an unknown type', withByte(raw, 4, 0x30)],
		['no terminating NUL', withByte(raw, raw.length - 1, 1)],
		['too small', new Uint8Array([4, 0, 0, 0])],
	];
	for (const [what, bytes] of cases) {
		const error = t.throws(() => tree.walk(bytes, () => {}), undefined, what);
		t.true(isMonarchError(error) && error.code === 'corrupt', what);
	}
});

function withByte(raw: Uint8Array, index: number, value: number): Uint8Array {
	const copy = Uint8Array.from(raw);
	copy[index] = value;
	return copy;
}
