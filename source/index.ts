/**
 * What migration and QuerySet authors import:
 *
 * ```ts
 * import {MongoBackedMigration} from 'monarch';
 * ```
 */

export {MonarchError} from './core/errors.js';
export {type MigrationContext, MongoBackedMigration} from './core/migrations/migration.js';
export type {
	ConfirmPromptOptions,
	NumberPromptOptions,
	QuerySetPrompt,
	SelectPromptOptions,
	TextPromptOptions,
} from './core/querysets/prompt.js';
export {QuerySet, type QuerySetContext} from './core/querysets/queryset.js';
