import {BSONType} from '../bson.js';
import {PathTree} from '../scrub/paths.js';
import {rawValueKey} from './value-key.js';

/** What the reader's tree decides of a path: the paths asked that it is, and whether a path asked lies under it. */
type Decided = {slots: number[]; enter: boolean};

const {null: nullType, undefined: undefinedType} = BSONType;

/**
 * Reads the {@link rawValueKey}s a subset compares straight from raw
 * documents, never decoding them: for each path asked (its steps, e.g.
 * `['_id']`, `['items', 'sku']`), the keys of the values a document holds
 * there, as `referenceValues` finds them in the document decoded: arrays
 * on the way and at the end followed (nested ones too), an embedded
 * document at the end is a value, null and missing steps hold nothing.
 * Only fields on the way to a path asked are walked into. One reader a
 * collection (its tree learns the collection's field names once).
 */
export class RawKeyReader {
	readonly #tree: PathTree<Decided>;
	readonly #paths: number;

	constructor(paths: ReadonlyArray<readonly string[]>) {
		this.#paths = paths.length;
		const same = (steps: readonly string[], path: readonly string[]) =>
			steps.length === path.length && steps.every((step, index) => step === path[index]);
		const under = (steps: readonly string[], path: readonly string[]) =>
			steps.length <= path.length && steps.every((step, index) => step === path[index]);
		this.#tree = new PathTree<Decided>(
			(_path, steps) => ({
				slots: paths.flatMap((path, slot) => (same(steps, path) ? [slot] : [])),
				enter: paths.some(path => under(steps, path)),
			}),
			{enter: decided => decided.enter, documentValues: decided => decided.slots.length > 0},
		);
	}

	/** Per path asked (in the order given), the keys of the values `raw` holds there, in document order (repeats kept). */
	read(raw: Uint8Array): string[][] {
		const keys = Array.from({length: this.#paths}, (): string[] => []);
		this.#tree.walk(raw, (_path, decided, type, offset, length) => {
			if (decided.slots.length === 0 || type === nullType || type === undefinedType) return;
			const key = rawValueKey(raw, type, offset, length);
			for (const slot of decided.slots) keys[slot]!.push(key);
		});
		return keys;
	}
}
