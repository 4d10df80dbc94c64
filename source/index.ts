/**
 * What migration and QuerySet authors import:
 *
 * ```ts
 * import {MongoBackedMigration} from 'monarch';
 * ```
 */
export {MongoBackedMigration, type MigrationContext} from './core/migrations/migration.js';
export {QuerySet, type QuerySetContext} from './core/querysets/queryset.js';
export type {QuerySetPrompt, TextPromptOptions, NumberPromptOptions, SelectPromptOptions, ConfirmPromptOptions} from './core/querysets/prompt.js';
export {MonarchError} from './core/errors.js';
