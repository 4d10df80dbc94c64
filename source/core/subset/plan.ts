import type {SubsetRole} from '../subset-estimate.js';
import type {Reference} from './references.js';
import type {SubsetSpec} from './spec.js';

/** A collection of the plan: its role and, for `down` ones, the collections whose kept documents bring its own (its parents). */
export type PlannedCollection = {name: string; role: SubsetRole; parents: Set<string>};

export type SubsetPlan = {
	/** Every data collection of the source, in the order the closure reads the sliced ones (roots, then as found). */
	collections: PlannedCollection[];
	/** The references between collections of the source (those naming a collection it lacks fail before). */
	references: Reference[];
};

/** Roles that take part of a collection rather than all or nothing. */
export function isSliced(role: SubsetRole): boolean {
	return role === 'root' || role === 'down' || role === 'up';
}

/**
 * Decides each collection's role from the references: the roots; then, to a
 * fixed point, every collection that references a sliced one (down: its
 * parents are the sliced collections it references at that moment, itself
 * too when it references itself) and, with `both`, every collection a sliced
 * one references (up). No collection outside references a sliced one, so
 * whatever is copied whole points only at what is copied whole.
 */
export function planSubset(spec: SubsetSpec, references: readonly Reference[], names: readonly string[]): SubsetPlan {
	const planned = new Map<string, PlannedCollection>();
	for (const root of spec.roots) {
		if (!planned.has(root.collection)) planned.set(root.collection, {name: root.collection, role: 'root', parents: new Set()});
	}

	for (const reference of references) {
		// A root referencing itself (accounts.referred_by): the accounts kept ones refer bring theirs.
		const root = planned.get(reference.from.collection);
		if (root && reference.from.collection === reference.to.collection) root.parents.add(root.name);
	}

	for (let grew = true; grew; ) {
		grew = false;
		const found = new Map<string, Set<string>>();
		for (const reference of references) {
			const from = reference.from.collection;
			if (planned.has(from) || !planned.has(reference.to.collection)) continue;
			const parents = found.get(from) ?? new Set<string>();
			parents.add(reference.to.collection);
			found.set(from, parents);
		}

		for (const [name, parents] of found) {
			if (references.some(reference => reference.from.collection === name && reference.to.collection === name)) parents.add(name);
			planned.set(name, {name, role: 'down', parents});
			grew = true;
		}

		if (grew || spec.follow !== 'both') continue;
		for (const reference of references) {
			const to = reference.to.collection;
			if (planned.has(to) || !planned.has(reference.from.collection)) continue;
			planned.set(to, {name: to, role: 'up', parents: new Set()});
			grew = true;
		}
	}

	const referencedBySliced = new Set(
		references.filter(reference => planned.has(reference.from.collection)).map(reference => reference.to.collection),
	);
	const rest = names
		.filter(name => !planned.has(name))
		.map((name): PlannedCollection => {
			const whole = !spec.only || referencedBySliced.has(name) || name === 'monarch_migrations';
			return {name, role: whole ? 'whole' : 'left out', parents: new Set()};
		});
	return {collections: [...planned.values(), ...rest], references: [...references]};
}
