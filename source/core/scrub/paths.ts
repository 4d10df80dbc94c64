import {BSON, type DeserializeOptions} from '../bson.js';
import {MonarchError} from '../errors.js';

const embeddedDocument = 3;
const array = 4;

/** BSON element types by number, as `$type` names them (for messages and `scrub_suggest`). */
export const bsonTypeNames: Readonly<Record<number, string>> = {
	1: 'double',
	2: 'string',
	3: 'object',
	4: 'array',
	5: 'binData',
	6: 'undefined',
	7: 'objectId',
	8: 'bool',
	9: 'date',
	10: 'null',
	11: 'regex',
	12: 'dbPointer',
	13: 'javascript',
	14: 'symbol',
	15: 'javascriptWithScope',
	16: 'int',
	17: 'timestamp',
	18: 'long',
	19: 'decimal',
	127: 'maxKey',
	255: 'minKey',
};

export function bsonTypeName(type: number): string {
	return bsonTypeNames[type] ?? `type ${type}`;
}

const {toUTF8} = BSON.onDemand.ByteUtils;

/**
 * What {@link PathTree.walk} calls for each leaf value: its path, what the
 * tree decided for that path, its BSON type and bytes (`offset`, `length`),
 * and where its element starts (`start`: the type byte, then the field's
 * name and its NUL, then the value at `offset`).
 */
export type TreeVisitor<T> = (path: string, decided: T, type: number, offset: number, length: number, start: number) => void;

/**
 * A path's steps with its arrays: a field's name, or `null` for "each
 * element of the array before" (`a[].b` is `['a', null, 'b']`, `a[][]` is
 * `['a', null, null]`).
 */
export type PathSegments = ReadonlyArray<string | null>;

/**
 * The field paths of a collection's documents as a tree, each path's string
 * and what `decide` says of it made once, when a document first holds it
 * (most documents of a collection share their paths). {@link walk} walks a
 * raw document's bytes without decoding it or allocating: each field's name
 * is compared, as bytes, with the names its parent already met (first the
 * one at the same position: documents of a collection mostly keep their
 * field order), so a document whose paths were all seen before costs no
 * string and no object. The gate checks every leaf of every document this
 * way; `scrub_audit` reads both of its databases through it.
 */
export class PathTree<T> {
	private readonly root: PathNode<T>;

	/**
	 * `decide` is asked once a path, with the path (`a[].b`), its field
	 * names without the arrays (`['a', 'b']`) and with them (`['a', null,
	 * 'b']`). Without `options`, only leaves are decided and every document
	 * and array is walked into.
	 */
	constructor(
		private readonly decide: (path: string, steps: readonly string[], segments: PathSegments) => T,
		private readonly options?: PathTreeOptions<T>,
	) {
		this.root = new PathNode('', [], []);
	}

	/**
	 * Calls `visit` with the path, decision, BSON type and bytes of every leaf
	 * value of `raw`, as {@link walkPaths} describes; throws a MonarchError on
	 * bytes that are not a BSON document.
	 */
	walk(raw: Uint8Array, visit: TreeVisitor<T>): void {
		const size = readSize(raw, 0, raw.length);
		this.walkDocument(raw, 0, size, this.root, false, visit);
	}

	private walkDocument(raw: Uint8Array, start: number, size: number, parent: PathNode<T>, elements: boolean, visit: TreeVisitor<T>): void {
		const end = start + size - 1;
		let position = start + 4;
		let ordinal = 0;
		while (position < end) {
			const type = raw[position]!;
			const nameStart = position + 1;
			let nameEnd = nameStart;
			while (nameEnd < end && raw[nameEnd] !== 0) nameEnd++;
			if (nameEnd >= end) throw malformed();
			const offset = nameEnd + 1;
			const length = valueLength(raw, type, offset, end);
			const node = elements ? parent.elementsNode() : parent.child(raw, nameStart, nameEnd - nameStart, ordinal);
			if (type === embeddedDocument || type === array) {
				if (this.entered(node, type, offset, length, position, visit)) this.walkDocument(raw, offset, length, node, type === array, visit);
			} else {
				visit(node.path, node.decision(this.decide), type, offset, length, position);
			}
			position = offset + length;
			ordinal++;
		}

		if (position !== end || raw[end] !== 0) throw malformed();
	}

	/** Whether to walk into the document or array at `node`; visits it as a value first when the options say so. */
	private entered(node: PathNode<T>, type: number, offset: number, length: number, start: number, visit: TreeVisitor<T>): boolean {
		const {options} = this;
		if (!options) return true;
		const decided = node.decision(this.decide);
		const asValue = type === embeddedDocument ? options.documentValues : options.arrayValues;
		if (asValue?.(decided)) visit(node.path, decided, type, offset, length, start);
		return options.enter?.(decided, type, offset, length) ?? true;
	}
}

/** What a {@link PathTree} does at embedded documents and arrays, by what `decide` said of their path. */
export type PathTreeOptions<T> = {
	/**
	 * Whether to walk into the document or array (default: always) of BSON
	 * type `type` (3 or 4) whose bytes are at `offset`/`length`; a reader of a
	 * few paths skips the rest.
	 */
	enter?: (decided: T, type: number, offset: number, length: number) => boolean;
	/** Whether an embedded document is also visited as a value itself (type 3), before its fields are. */
	documentValues?: (decided: T) => boolean;
	/** Whether an array is also visited as a value itself (type 4), before its elements are. */
	arrayValues?: (decided: T) => boolean;
};

/** One field path of a {@link PathTree}: its string and steps, its decision (made when it is first met), the names met under it (as bytes) and its elements' node (`x[]`). */
class PathNode<T> {
	private readonly names: Uint8Array[] = [];
	private readonly children: Array<PathNode<T>> = [];
	private elements: PathNode<T> | undefined;
	private decided: {value: T} | undefined;

	constructor(
		readonly path: string,
		readonly steps: readonly string[],
		readonly segments: PathSegments,
	) {}

	/** What `decide` says of this path, asked once. */
	decision(decide: (path: string, steps: readonly string[], segments: PathSegments) => T): T {
		this.decided ??= {value: decide(this.path, this.steps, this.segments)};
		return this.decided.value;
	}

	/** The node of the field whose name is `raw[nameStart, nameStart + nameLength)`, made when first met. */
	child(raw: Uint8Array, nameStart: number, nameLength: number, ordinal: number): PathNode<T> {
		const {names} = this;
		if (ordinal < names.length && sameBytes(names[ordinal]!, raw, nameStart, nameLength)) return this.children[ordinal]!;
		for (let index = 0; index < names.length; index++) {
			if (index !== ordinal && sameBytes(names[index]!, raw, nameStart, nameLength)) return this.children[index]!;
		}

		const name = toUTF8(raw, nameStart, nameStart + nameLength, false);
		const node = new PathNode<T>(this.path === '' ? name : `${this.path}.${name}`, [...this.steps, name], [...this.segments, name]);
		names.push(raw.slice(nameStart, nameStart + nameLength));
		this.children.push(node);
		return node;
	}

	/** The node of the elements of the array at this path (`x[]`). */
	elementsNode(): PathNode<T> {
		this.elements ??= new PathNode<T>(`${this.path}[]`, this.steps, [...this.segments, null]);
		return this.elements;
	}
}

function sameBytes(name: Uint8Array, raw: Uint8Array, start: number, length: number): boolean {
	if (name.length !== length) return false;
	for (let index = 0; index < length; index++) if (name[index] !== raw[start + index]) return false;
	return true;
}

function malformed(): MonarchError {
	return new MonarchError('corrupt', 'A document read is not valid BSON: its field lengths do not add up', {
		hint: "check the source with the server's validate command",
	});
}

/** The int32 length of the document at `offset`, which must end by `limit`. */
function readSize(raw: Uint8Array, offset: number, limit: number): number {
	if (offset + 4 > limit) throw malformed();
	const size = raw[offset]! | (raw[offset + 1]! << 8) | (raw[offset + 2]! << 16) | (raw[offset + 3]! << 24);
	if (size < 5 || offset + size > limit) throw malformed();
	return size;
}

/** The bytes of the value of BSON type `type` at `offset` (`end`: where its document's terminating NUL is). */
function valueLength(raw: Uint8Array, type: number, offset: number, end: number): number {
	let length: number;
	switch (type) {
		case 1: // double
		case 9: // date
		case 17: // timestamp
		case 18: // int64
			length = 8;
			break;
		case 2: // string
		case 13: // javascript
		case 14: // symbol
			length = 4 + stringSize(raw, offset, end);
			break;
		case 3: // embedded document
		case 4: // array
		case 15: // javascript with scope
			length = readSize(raw, offset, end);
			break;
		case 5: // binary: length, subtype, bytes
			length = 5 + stringSize(raw, offset, end);
			break;
		case 6: // undefined
		case 10: // null
		case 127: // maxKey
		case 255: // minKey
			length = 0;
			break;
		case 7: // objectId
			length = 12;
			break;
		case 8: // bool
			length = 1;
			break;
		case 11: {
			// regex: two C strings
			let position = offset;
			for (let strings = 0; strings < 2; strings++) {
				while (position < end && raw[position] !== 0) position++;
				position++;
			}

			length = position - offset;
			break;
		}

		case 12: // dbPointer: a string, then an ObjectId
			length = 4 + stringSize(raw, offset, end) + 12;
			break;
		case 16: // int32
			length = 4;
			break;
		case 19: // decimal128
			length = 16;
			break;
		default:
			throw malformed();
	}

	if (offset + length > end) throw malformed();
	return length;
}

/** The int32 length of a string's (or a binary's) bytes at `offset`. */
function stringSize(raw: Uint8Array, offset: number, end: number): number {
	if (offset + 4 > end) throw malformed();
	const size = raw[offset]! | (raw[offset + 1]! << 8) | (raw[offset + 2]! << 16) | (raw[offset + 3]! << 24);
	if (size < 0) throw malformed();
	return size;
}

/**
 * Calls `visit` with the path and BSON type of every leaf value of a raw
 * document, without decoding it: `a.b` for a field of an embedded document,
 * `a[]` for the elements of array `a` (`contacts[].email`, `tags[]`). Empty
 * documents and arrays hold no value and are not visited. A path is visited
 * once per value: an array of three strings visits `tags[]` three times.
 * `offset` and `length` say where the value's bytes are in `raw`
 * (`readBsonString` reads a string's). One document at a time; a loop over
 * a collection keeps a {@link PathTree}.
 */
export function walkPaths(raw: Uint8Array, visit: PathVisitor): void {
	new PathTree(() => undefined).walk(raw, (path, _decided, type, offset, length) => visit(path, type, offset, length));
}

/** What `walkPaths` calls for each leaf value. */
export type PathVisitor = (path: string, type: number, offset: number, length: number) => void;

/** The text of a string value (BSON type 2) that `walkPaths` found at `offset`/`length`: a 4-byte length, the bytes, a NUL. */
export function readBsonString(raw: Uint8Array, offset: number, length: number): string {
	return toUTF8(raw, offset + 4, offset + length - 1, false);
}

/**
 * The decoded value of a leaf `walkPaths` found at `offset`/`length` (of BSON
 * type `type`), read alone: its bytes are wrapped in a one-field document and
 * deserialised, so any type decodes as the driver would (int32 and double as
 * numbers, an ObjectId as one), or as `options` say.
 */
export function readBsonValue(raw: Uint8Array, type: number, offset: number, length: number, options?: DeserializeOptions): unknown {
	const size = 4 + 1 + 2 + length + 1;
	const document = new Uint8Array(size);
	new DataView(document.buffer).setInt32(0, size, true);
	document[4] = type;
	document[5] = 0x76; // the field's name: `v`, then its NUL
	document.set(raw.subarray(offset, offset + length), 7);
	return BSON.deserialize(document, options).v;
}
