import {type FakeKind, fakeKinds, isFakeKind} from './fakes.js';

/** What a rule does to the value at its path. */
export type Strategy =
	| {kind: 'fake'; fake: FakeKind}
	| {kind: 'hash'}
	| {kind: 'mask'; keepStart: number; keepEnd: number}
	| {kind: 'null'}
	| {kind: 'remove'}
	| {kind: 'const'; value: string}
	/** Every email, phone, card number, IBAN, IP, SSN and token inside a string becomes a fake of its kind; the rest of the text stays. */
	| {kind: 'redact'};

/** One step of a field path: `address` in `address.street`, `logins` (each element) in `logins[].ip`. */
export type PathStep = {name: string; each: boolean};

/** A parsed rule: where, and what. */
export type ScrubRule = {path: string; steps: PathStep[]; strategy: Strategy};

const strategyHint = `one of fake.<kind>, hash, mask:<keepStart>,<keepEnd>, null, remove, const:<value>, redact`;

/** Parses `fake.email`, `hash`, `mask:0,2`, `null`, `remove`, `const:x`, `redact`; throws an Error whose message says what is wrong. */
export function parseStrategy(text: string): Strategy {
	if (text === 'hash') return {kind: 'hash'};
	if (text === 'null') return {kind: 'null'};
	if (text === 'remove') return {kind: 'remove'};
	if (text === 'redact') return {kind: 'redact'};
	if (text.startsWith('const:')) return {kind: 'const', value: text.slice('const:'.length)};
	if (text.startsWith('fake.')) {
		const fake = text.slice('fake.'.length);
		if (isFakeKind(fake)) return {kind: 'fake', fake};
		throw new Error(`unknown fake "${text}": use fake.${fakeKinds.join(', fake.')}`);
	}

	if (text.startsWith('mask:')) {
		const match = /^mask:(\d{1,4}),(\d{1,4})$/.exec(text);
		if (!match) throw new Error(`"${text}": write mask:<keepStart>,<keepEnd>, e.g. mask:0,2`);
		return {kind: 'mask', keepStart: Number(match[1]), keepEnd: Number(match[2])};
	}

	throw new Error(`unknown strategy "${text}": ${strategyHint}`);
}

/** Parses `address.street` or `logins[].ip` (with `wildcards`, also `prefs.*`: any one key) into steps; throws an Error whose message says what is wrong. */
export function parsePath(path: string, options: {wildcards?: boolean} = {}): PathStep[] {
	if (path.length === 0) throw new Error('empty field path');
	return path.split('.').map(part => {
		const each = part.endsWith('[]');
		const name = each ? part.slice(0, -2) : part;
		if (name.length === 0) throw new Error(`"${path}": empty field name (write a.b, or a[].b for each element of array a)`);
		if (name.startsWith('$')) throw new Error(`"${path}": a field name cannot start with $`);
		if (/[[\]]/.test(name)) throw new Error(`"${path}": [] may only end a field name (a[].b)`);
		if (name.includes('*') && (!options.wildcards || name !== '*'))
			throw new Error(`"${path}": * stands alone for any one key (prefs.*, contacts.*.email)`);
		return {name, each};
	});
}
