import type {Faker, LocaleDefinition, Randomizer} from '@faker-js/faker';
import {faker as englishFaker} from '@faker-js/faker/locale/en';
import {uniformFloat64} from 'pure-rand/distribution/uniformFloat64';
import {xoroshiro128plusFromState} from 'pure-rand/generator/xoroshiro128plus';
import {type FakeKind, generators} from './fakes.js';

/**
 * A faker whose randomness comes from a digest: `fake(kind, digest)` gives
 * the same string for the same digest on every run and machine (with this
 * faker version). Seeding costs a few integer copies (faker's own Mersenne
 * seeding costs 40 µs a value, too slow per document).
 */
export function createDigestFaker(): (kind: FakeKind, digest: Uint8Array) => string {
	let generator = xoroshiro128plusFromState([1, 2, 3, 4]);
	const randomizer: Randomizer = {
		next: () => uniformFloat64(generator),
		seed() {
			// Seeded per value by `fake` below; faker.seed() is never called.
		},
	};
	// English only: the package's main entry loads every locale (about 30 MB more per process).
	const FakerClass = englishFaker.constructor as typeof Faker;
	const faker = new FakerClass({locale: withoutLastNamePattern(englishFaker.rawDefinitions), randomizer});
	return (kind, digest) => {
		const view = new DataView(digest.buffer, digest.byteOffset, digest.byteLength);
		generator = xoroshiro128plusFromState([view.getInt32(0), view.getInt32(4), view.getInt32(8), view.getInt32(12)]);
		return generators[kind](faker);
	};
}

/**
 * The English definitions without `person.last_name_pattern`, so that a last
 * name (in `fullName`, `lastName`, `email`, `username`) is picked from the
 * same list of last names directly instead of through faker's template
 * engine, whose one pattern there only adds a double-barrelled name one time
 * in twenty. Measured per email fake: 4.3 KB allocated and 36 µs with the
 * pattern, 2.1 KB and 22 µs without (the same halving for fullName); a
 * scrubbed copy makes one per value, and its young garbage is what its
 * memory depends on (see collect-garbage.ts).
 */
function withoutLastNamePattern(definitions: LocaleDefinition): LocaleDefinition {
	const {last_name_pattern: _pattern, ...person} = definitions.person ?? {};
	return {...definitions, person};
}
