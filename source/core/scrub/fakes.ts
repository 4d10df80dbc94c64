import type {Faker} from '@faker-js/faker';

/**
 * The realistic values `fake.<kind>` gives, by kind: each is a faker call
 * made with a random generator seeded from the value's digest, so the same
 * input (and key) always gives the same output (createDigestFaker, in
 * digest-faker.ts, loads faker itself: validating rules does not need it).
 */
export const generators = {
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
