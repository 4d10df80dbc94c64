import {MonarchError} from './errors.js';

/** `Add indexes-to userTable` -> `add_indexes_to_user_table`; refuses anything that could be a path. */
export function snakeName(input: string, argument: string): string {
	const trimmed = input.trim();
	if (!/^[A-Za-z][A-Za-z0-9 _-]*$/.test(trimmed)) {
		throw new MonarchError('usage', `${argument}: "${input}" is not a valid name`, {
			hint: 'start with a letter and use letters, digits, spaces, "-" or "_" (no "/" or "..")',
		});
	}

	return trimmed
		.replace(/([a-z0-9])([A-Z])/g, '$1_$2')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '_')
		.replace(/^_+|_+$/g, '');
}

/** `add_indexes_to_user_table` -> `AddIndexesToUserTable`. */
export function camelName(snake: string): string {
	return snake
		.split('_')
		.filter(Boolean)
		.map(part => part[0]!.toUpperCase() + part.slice(1))
		.join('');
}

/** UTC `yyyyMMddHHmmss`. */
export function timestamp(date: Date): string {
	return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}
