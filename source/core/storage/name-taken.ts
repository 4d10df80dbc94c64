import {MonarchError} from '../errors.js';

/**
 * A store refused a write because the name is taken: an object of that name
 * existed already, or another writer stored one while this write was
 * completing. Nothing was overwritten, and the other writer's object is left
 * as it is. Backups catch it to take the next free name.
 */
export class NameTakenError extends MonarchError {
	readonly objectName: string;

	constructor(objectName: string, where: string, options: {raced?: boolean; cause?: unknown} = {}) {
		super(
			'usage',
			options.raced
				? `${objectName} was written to ${where} by another backup at the same moment; this one was not kept and nothing was overwritten`
				: `${objectName} already exists in ${where}; nothing was overwritten`,
			{hint: 'choose another --name, or run again for the next free name', cause: options.cause},
		);
		this.objectName = objectName;
	}
}

export function isNameTaken(error: unknown): error is NameTakenError {
	return error instanceof NameTakenError;
}
