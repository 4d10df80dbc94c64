import {emptyShape, isTokenCharacter, mayFindPersonal, type TextShape} from './detect.js';
import {filterStep} from './value-filter.js';

const plus = 43;
const open = 40;
const close = 41;
const dot = 46;
const dash = 45;
const slash = 47;

/**
 * One pass over a string value's UTF-8 bytes, for `scrub_audit`, that makes
 * no string and allocates nothing: nearly every string of a document is
 * settled by it, and only the others are decoded. It finds out
 * - `mayDetect`: whether any detector of `findPersonal` could find something
 *   in the string (false: it finds nothing, see `mayFindPersonal`);
 * - when every byte is ASCII (`ascii`): the value as `normaliseValue` makes it
 *   (lower case, no white space, a phone-shaped value's digits only), as its
 *   `length` and its `hash` for a `ValueFilter` (the one `basis` starts), and,
 *   given a digester's `room` it fits in, its bytes there (`written`).
 * A string with any other byte (which `normaliseValue` folds with NFKC) is
 * left to the string path for its value: `ascii` false, `length` and `hash`
 * meaningless.
 */
export class StringScan {
	ascii = false;
	mayDetect = false;
	length = 0;
	hash = 0;
	written = false;
	/** The detectors' shape of the string last read (its length in bytes). */
	readonly shape: TextShape = emptyShape();

	constructor(private readonly basis: number) {}

	/**
	 * Reads `raw[start, end)` (a string's bytes, without its length or NUL).
	 * `value`: whether to work out the normalised value too (else only
	 * `mayDetect` is meaningful); `room`: where to write its bytes.
	 */
	// biome-ignore lint/complexity/noExcessiveCognitiveComplexity: one pass over the bytes for the detectors' shape and the normalised value, for speed (measured)
	scan(raw: Uint8Array, start: number, end: number, value: boolean, room?: Uint8Array): void {
		const write = value && room !== undefined && end - start <= room.length;
		let ascii = true;
		let folded = this.basis;
		let digitsOnly = this.basis;
		let foldedLength = 0;
		let first = -1;
		let phoneShaped = true;
		// The detectors' shape (see TextShape), in locals: the loop runs over every byte of every string.
		let digits = 0;
		let upper = false;
		let at = false;
		let jwt = false;
		let hyphen = false;
		let period = false;
		let colons = 0;
		let doubleColon = false;
		let tokenRun = 0;
		let ibanStart = false;
		let digitDotDigit = false;
		let run = 0;
		let previous = 0;
		let beforePrevious = 0;
		let third = 0;
		for (let index = start; index < end; index++) {
			const byte = raw[index]!;
			if (byte >= 97 && byte <= 122) {
				// The most common bytes first: lower case letters, which change nothing but the run and the value's hash.
				if (++run > tokenRun) tokenRun = run;
				if (value) {
					folded = filterStep(folded, byte);
					if (write) room[foldedLength] = byte;
					foldedLength++;
					phoneShaped = false;
					if (first === -1) first = byte;
				}
			} else {
				let code = byte;
				if (!isTokenCharacter(code)) run = 0;
				else if (++run > tokenRun) tokenRun = run;
				if (code >= 48 && code <= 57) {
					digits++;
					if (previous === dot && beforePrevious >= 48 && beforePrevious <= 57) digitDotDigit = true;
					if (previous >= 48 && previous <= 57 && beforePrevious >= 65 && beforePrevious <= 90 && third >= 65 && third <= 90)
						ibanStart = true;
				} else if (code >= 65 && code <= 90) {
					upper = true;
					if (code === 74 && previous === 121 && beforePrevious === 101) jwt = true;
				} else if (code === 64) at = true;
				else if (code === dash) hyphen = true;
				else if (code === dot) period = true;
				else if (code === 58) {
					colons++;
					if (previous === 58) doubleColon = true;
				} else if (code >= 0x80) ascii = false;
				if (value && code < 0x80 && code !== 32 && (code < 9 || code > 13)) {
					// White space as `\s` has it in ASCII (tab, line feed, vertical tab, form feed, carriage return, space) is left out.
					if (code >= 65 && code <= 90) code += 32;
					if (first === -1) first = code;
					folded = filterStep(folded, code);
					if (write) room[foldedLength] = code;
					foldedLength++;
					if (code >= 48 && code <= 57) digitsOnly = filterStep(digitsOnly, code);
					else if (code !== plus && code !== open && code !== close && code !== dot && code !== dash && code !== slash) phoneShaped = false;
				}
			}

			third = beforePrevious;
			beforePrevious = previous;
			previous = byte;
		}

		const {shape} = this;
		shape.length = end - start;
		shape.digits = digits;
		shape.upper = upper;
		shape.at = at;
		shape.jwt = jwt;
		shape.dash = hyphen;
		shape.dot = period;
		shape.colons = colons;
		shape.doubleColon = doubleColon;
		shape.tokenRun = tokenRun;
		shape.ibanStart = ibanStart;
		shape.digitDotDigit = digitDotDigit;
		this.ascii = ascii;
		this.mayDetect = mayFindPersonal(shape);
		this.written = ascii && write;
		if (phoneShaped && digits >= 7 && (first === plus || first === open || (first >= 48 && first <= 57))) {
			this.hash = digitsOnly;
			this.length = digits;
			if (this.written) {
				let kept = 0;
				for (let index = 0; index < foldedLength; index++) {
					const code = room![index]!;
					if (code >= 48 && code <= 57) room![kept++] = code;
				}
			}
		} else {
			this.hash = folded;
			this.length = foldedLength;
		}
	}
}
