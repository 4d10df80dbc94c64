/*
 * The config subsystem's front door: what the CLI and the TUI may use of
 * monarch.json. Cheap to import: `loadConfig` is on every start path; the
 * starter file's writer loads on its call.
 */

export type {InitResult} from '../init.js';
export {type LoadConfigOptions, loadConfig, type ProjectConfig} from './load.js';

/** `monarch init`: a starter monarch.json with migrations/ and querysets/ beside it (init.ts, loaded on call). */
export const initProject: typeof import('../init.js').initProject = async (...args) => (await import('../init.js')).initProject(...args);
