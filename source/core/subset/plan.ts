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
	const selfReferencing = new Set(
		references.filter(reference => reference.from.collection === reference.to.collection).map(reference => reference.from.collection),
	);
	for (const root of spec.roots) {
		// A root referencing itself (accounts.referred_by): the accounts kept ones refer bring theirs.
		const parents = new Set(selfReferencing.has(root.collection) ? [root.collection] : []);
		if (!planned.has(root.collection)) planned.set(root.collection, {name: root.collection, role: 'root', parents});
	}

	while (addChildren(planned, references, selfReferencing) || (spec.follow === 'both' && addParents(planned, references))) {
		// Each round adds collections; a fixed point ends it.
	}

	// Copied whole besides the slice: what the sliced collections reference, and what that references, and so on.
	const whole = new Set<string>();
	for (let grew = true; grew; ) {
		grew = false;
		for (const reference of references) {
			const {collection} = reference.to;
			if (planned.has(collection) || whole.has(collection)) continue;
			if (!planned.has(reference.from.collection) && !whole.has(reference.from.collection)) continue;
			whole.add(collection);
			grew = true;
		}
	}

	const rest = names
		.filter(name => !planned.has(name))
		.map((name): PlannedCollection => {
			const kept = !spec.only || whole.has(name) || name === 'monarch_migrations';
			return {name, role: kept ? 'whole' : 'left out', parents: new Set()};
		});
	return {collections: [...planned.values(), ...rest], references: [...references]};
}

/** Adds, as `down`, every collection that references a planned one (its parents: the planned ones it references, itself when it references itself); true when any was added. */
function addChildren(planned: Map<string, PlannedCollection>, references: readonly Reference[], selfReferencing: Set<string>): boolean {
	const found = new Map<string, Set<string>>();
	for (const reference of references) {
		const from = reference.from.collection;
		if (planned.has(from) || !planned.has(reference.to.collection)) continue;
		const parents = found.get(from) ?? new Set<string>(selfReferencing.has(from) ? [from] : []);
		parents.add(reference.to.collection);
		found.set(from, parents);
	}

	for (const [name, parents] of found) planned.set(name, {name, role: 'down', parents});
	return found.size > 0;
}

/** Adds, as `up`, every collection a planned one references; true when any was added. */
function addParents(planned: Map<string, PlannedCollection>, references: readonly Reference[]): boolean {
	let added = false;
	for (const reference of references) {
		const to = reference.to.collection;
		if (planned.has(to) || !planned.has(reference.from.collection)) continue;
		planned.set(to, {name: to, role: 'up', parents: new Set()});
		added = true;
	}

	return added;
}
