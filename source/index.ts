/**
 * What migration and QuerySet authors import:
 *
 * ```ts
 * import {MongoBackedMigration} from 'monarch';
 * ```
 */
export {MongoBackedMigration, type MigrationContext} from './core/migrations/migration.js';
export {MonarchError} from './core/errors.js';
