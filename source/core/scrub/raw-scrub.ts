import {BSON, BSONType} from '../bson.js';
import {type PathSegments, PathTree, readBsonString, readBsonValue} from './paths.js';
import type {PathStep, ScrubRule} from './rule.js';
import type {ScrubCounts, StrategyApplier} from './strategies.js';

/** How a document is decoded for the rules (and a value read alone for its rule): BSON types kept, as the driver's raw cursors hold them. */
export const decodeOptions = {promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true} as const;

const {string: stringType, object: documentType, array: arrayType, null: nullType} = BSONType;

/**
 * What a walk does at a path: the rule whose value it is (`target`; of an
 * array there, its elements are when `elements`: the rule ends in `[]`), and
 * whether rules go on into a document or an array there.
 */
type Decided = {target: ScrubRule | undefined; elements: boolean; document: boolean; array: boolean};

/** One change to a document's bytes: `[start, end)` becomes `bytes` (a removal when empty), or a container's new length. */
type Edit = {start: number; end: number; bytes: Uint8Array};

/**
 * A collection's scrub rules applied to raw BSON documents, never decoding a
 * whole document: a {@link PathTree} walks each document, only into the
 * fields on the way to a rule's path, and where a rule's path holds a value
 * that value alone is decoded, given to its strategy, and written back into a
 * new buffer, every other byte copied as it is and the lengths of the
 * enclosing documents and arrays fixed. The result is what decoding the
 * document, applying the rules in order and serialising it again gives, byte
 * for byte (the untouched values keep their types and field order), with the
 * same counts; except where decoding itself changed untouched values: BSON
 * undefined stays undefined (not null), integer-like keys keep their place
 * (a decoded object puts them first), and a rule's path goes on into a
 * document shaped like a DBRef (`$ref`, `$id`), which the decoded path
 * passed over. A document no rule changes is returned as it is.
 *
 * Rules whose paths may meet (`contacts.email` and `contacts[].email`, both
 * at `contacts.email` when `contacts` is a document; or any two given to a
 * `Scrubber` directly) take separate walks, in the rules' order, each over
 * what the one before wrote; the others share one walk.
 */
export class RawScrub {
	private readonly trees: Array<PathTree<Decided>>;
	private raw: Uint8Array = new Uint8Array(0);
	private counts: ScrubCounts = {documents: 0, values: 0, converted: 0};
	private readonly edits: Edit[] = [];
	private readonly containers: number[] = [];
	private readonly visit = (_path: string, decided: Decided, type: number, offset: number, length: number, start: number): void => {
		if (decided.target && (type !== arrayType || !decided.elements)) this.target(decided.target, type, offset, length, start);
	};

	/** `rules` in monarch.json's order; `applier` gives each value's replacement. */
	constructor(
		rules: readonly ScrubRule[],
		private readonly applier: StrategyApplier,
	) {
		this.trees = layers(rules).map(
			layer =>
				new PathTree<Decided>((_path, _steps, segments) => decide(layer, segments), {
					enter: (decided, type, offset) => {
						if (!(type === documentType ? decided.document : decided.array || decided.elements)) return false;
						this.containers.push(offset);
						return true;
					},
					documentValues: decided => decided.target !== undefined,
					arrayValues: decided => decided.target !== undefined && !decided.elements,
				}),
		);
	}

	/** `raw` scrubbed (itself when no rule changed it); `counts` gets the values replaced, removed and converted. */
	scrub(raw: Uint8Array, counts: ScrubCounts): Uint8Array {
		this.counts = counts;
		let document = raw;
		for (const tree of this.trees) {
			this.raw = document;
			this.edits.length = 0;
			this.containers.length = 0;
			this.containers.push(0);
			tree.walk(document, this.visit);
			if (this.edits.length > 0) document = this.rewrite(document);
		}

		this.raw = new Uint8Array(0);
		return document;
	}

	/** Applies `rule` to the value at `offset` (its element starting at `start`), recording the edit that writes its replacement. */
	private target(rule: ScrubRule, type: number, offset: number, length: number, start: number): void {
		const {raw, counts} = this;
		const end = offset + length;
		if (rule.strategy.kind === 'remove') {
			counts.values++;
			this.edits.push({start, end, bytes: new Uint8Array(0)});
			return;
		}

		const value = type === stringType ? readBsonString(raw, offset, length) : readBsonValue(raw, type, offset, length, decodeOptions);
		const values = counts.values;
		const replaced = this.applier.replace(value, rule.strategy, counts);
		if (replaced === value && counts.values === values) return;
		this.edits.push({start, end, bytes: element(raw.subarray(start + 1, offset), replaced)});
	}

	/** `document` with the recorded edits made and the lengths of the containers holding them fixed. */
	private rewrite(document: Uint8Array): Uint8Array {
		const {edits, containers} = this;
		const delta = (from: number, to: number): number => {
			let sum = 0;
			for (const edit of edits) if (edit.start >= from && edit.end <= to) sum += edit.bytes.length - (edit.end - edit.start);
			return sum;
		};

		const lengths: Edit[] = [];
		for (const offset of containers) {
			const size = readInt32(document, offset);
			const change = delta(offset, offset + size);
			if (change === 0) continue;
			const bytes = new Uint8Array(4);
			writeInt32(bytes, 0, size + change);
			lengths.push({start: offset, end: offset + 4, bytes});
		}

		const output = Buffer.allocUnsafe(document.length + delta(0, document.length));
		let read = 0;
		let written = 0;
		// Both lists are in document order (the walk's), so they are merged, not sorted: no array per document.
		for (let length = 0, value = 0; length < lengths.length || value < edits.length; ) {
			const edit =
				value >= edits.length || (length < lengths.length && lengths[length]!.start <= edits[value]!.start)
					? lengths[length++]!
					: edits[value++]!;
			output.set(document.subarray(read, edit.start), written);
			written += edit.start - read;
			output.set(edit.bytes, written);
			written += edit.bytes.length;
			read = edit.end;
		}

		output.set(document.subarray(read), written);
		return output;
	}
}

/**
 * The rules in walks: each rule goes in the walk after the last one holding
 * a rule whose path may meet its own, so that rules that may touch the same
 * value apply in monarch.json's order, and no two rules of a walk do.
 */
function layers(rules: readonly ScrubRule[]): ScrubRule[][] {
	const result: ScrubRule[][] = [];
	for (const rule of rules) {
		let after = -1;
		for (let index = 0; index < result.length; index++) if (result[index]!.some(other => meet(other.steps, rule.steps))) after = index;
		if (after + 1 === result.length) result.push([]);
		result[after + 1]!.push(rule);
	}

	return result;
}

/** Whether two rules' paths may reach the same value, or one a value under the other's (their names agree up to the shorter, `*` agreeing with any). */
function meet(a: readonly PathStep[], b: readonly PathStep[]): boolean {
	const shorter = Math.min(a.length, b.length);
	for (let index = 0; index < shorter; index++) {
		const x = a[index]!.name;
		const y = b[index]!.name;
		if (x !== y && x !== '*' && y !== '*') return false;
	}

	return true;
}

/**
 * What the rules of `layer` do at the path `segments`. Several may lead
 * through it; at most one ends there (rules whose paths meet are in separate
 * layers), and then none goes on.
 */
function decide(layer: readonly ScrubRule[], segments: PathSegments): Decided {
	const decided: Decided = {target: undefined, elements: false, document: false, array: false};
	for (const rule of layer) {
		const {steps} = rule;
		let step = -1;
		let element = false;
		let matched = true;
		for (const segment of segments) {
			if (segment === null) {
				// An array's elements: only a `[]` step goes into them, and one level deep.
				if (step < 0 || element || !steps[step]!.each) matched = false;
				element = true;
			} else {
				step++;
				element = false;
				const name = steps[step]?.name;
				if (name === undefined || (name !== '*' && name !== segment)) matched = false;
			}

			if (!matched) break;
		}

		if (!matched || step < 0) continue;
		// At a `[]` step's field, an array is walked into (its elements are the values); at its elements, an array inside is not.
		const each = steps[step]!.each && !element;
		if (step === steps.length - 1) {
			decided.target = rule;
			decided.elements = each;
		} else {
			decided.document = true;
			decided.array ||= each;
		}
	}

	return decided;
}

/** An element of BSON holding `value` under the name whose bytes (and NUL) are `name`. */
function element(name: Uint8Array, value: unknown): Uint8Array {
	if (value === null) {
		const bytes = new Uint8Array(1 + name.length);
		bytes[0] = nullType;
		bytes.set(name, 1);
		return bytes;
	}

	if (typeof value === 'string') {
		const size = Buffer.byteLength(value, 'utf8');
		const bytes = Buffer.allocUnsafe(1 + name.length + 4 + size + 1);
		bytes[0] = stringType;
		bytes.set(name, 1);
		writeInt32(bytes, 1 + name.length, size + 1);
		bytes.write(value, 1 + name.length + 4, 'utf8');
		bytes[bytes.length - 1] = 0;
		return bytes;
	}

	// A document or array (`redact` changed strings in it): serialised as the decoded path would.
	const wrapped = BSON.serialize({v: value}, {checkKeys: false, ignoreUndefined: false});
	const valueBytes = wrapped.subarray(7, wrapped.length - 1);
	const bytes = new Uint8Array(1 + name.length + valueBytes.length);
	bytes[0] = wrapped[4]!;
	bytes.set(name, 1);
	bytes.set(valueBytes, 1 + name.length);
	return bytes;
}

function readInt32(bytes: Uint8Array, offset: number): number {
	return bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24);
}

function writeInt32(bytes: Uint8Array, offset: number, value: number): void {
	bytes[offset] = value & 0xff;
	bytes[offset + 1] = (value >>> 8) & 0xff;
	bytes[offset + 2] = (value >>> 16) & 0xff;
	bytes[offset + 3] = (value >>> 24) & 0xff;
}
