import {MonarchError} from '../errors.js';

/** Object names are flat file names: no separators, no `..`, nothing hidden. */
export function checkObjectName(name: string): string {
	if (name === '' || name.includes('/') || name.includes('\\') || name.includes('..') || name.startsWith('.') || name.includes('\0')) {
		throw new MonarchError('usage', `"${name}" is not a valid backup name`, {
			hint: 'use letters, digits, "-", "_" and "." (no "/" or "..")',
		});
	}

	return name;
}
