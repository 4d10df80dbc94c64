/*
 * The storage subsystem's front door for the CLI and the TUI: which backup
 * locations monarch.json configures, and the store's types. Cheap to import:
 * naming a location loads no store (the stores themselves, ./stores.ts, are
 * opened by core's backups).
 */
export type {BackupStore, PendingWrite, StoredObject, StoreLocation} from './contract.js';
export {configuredLocations} from './locations.js';
