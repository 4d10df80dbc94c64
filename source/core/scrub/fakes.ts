import type {Faker, Randomizer} from '@faker-js/faker';
import {faker as englishFaker} from '@faker-js/faker/locale/en';
import {uniformFloat64} from 'pure-rand/distribution/uniformFloat64';
import {xoroshiro128plusFromState} from 'pure-rand/generator/xoroshiro128plus';

/**
 * The realistic values `fake.<kind>` gives, by kind: each is a faker call
 * made with a random generator seeded from the value's digest, so the same
 * input (and key) always gives the same output.
 */
const generators = {
	email: faker => faker.internet.email(),
	fullName: faker => faker.person.fullName(),
	firstName: faker => faker.person.firstName(),
	lastName: faker => faker.person.lastName(),
	username: faker => faker.internet.username(),
	phone: faker => faker.phone.number(),
	street: faker => faker.location.streetAddress(),
	city: faker => faker.location.city(),
	state: faker => faker.location.state(),
	zip: faker => faker.location.zipCode(),
	country: faker => faker.location.country(),
	company: faker => faker.company.name(),
	jobTitle: faker => faker.person.jobTitle(),
	ipv4: faker => faker.internet.ipv4(),
	ipv6: faker => faker.internet.ipv6(),
	url: faker => faker.internet.url(),
	userAgent: faker => faker.internet.userAgent(),
	uuid: faker => faker.string.uuid(),
	iban: faker => faker.finance.iban(),
	creditCard: faker => faker.finance.creditCardNumber(),
	word: faker => faker.lorem.word(),
	sentence: faker => faker.lorem.sentence(),
	paragraph: faker => faker.lorem.paragraph(),
} satisfies Record<string, (faker: Faker) => string>;

export type FakeKind = keyof typeof generators;

export const fakeKinds = Object.keys(generators) as FakeKind[];

export function isFakeKind(name: string): name is FakeKind {
	return Object.hasOwn(generators, name);
}

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
	const faker = new FakerClass({locale: englishFaker.rawDefinitions, randomizer});
	return (kind, digest) => {
		const view = new DataView(digest.buffer, digest.byteOffset, digest.byteLength);
		generator = xoroshiro128plusFromState([view.getInt32(0), view.getInt32(4), view.getInt32(8), view.getInt32(12)]);
		return generators[kind](faker);
	};
}
