/*
 * The scrub subsystem's front door: previewing, suggesting and auditing what a
 * copy scrubs (the scrubbing itself runs inside backups and restores). Cheap
 * to import: types and one small text helper statically, every operation
 * loads its module on call.
 */

export type {AuditFinding, ScrubAuditOptions, ScrubAuditResult} from './audit.js';
export type {CopyAudit} from './audit-after-copy.js';
export {collectionClassText} from './class-text.js';
export type {ScrubChoice, ScrubReport} from './policy.js';
export type {ScrubPreview, ScrubPreviewOptions} from './preview.js';
export type {ClassificationCounts, ScrubSuggestOptions, ScrubSuggestResult, SuggestedCollection, SuggestedPath} from './suggest.js';

/** `monarch scrub_preview` (preview.ts, loaded on call). */
export const previewScrub: typeof import('./preview.js').previewScrub = async (...args) =>
	(await import('./preview.js')).previewScrub(...args);

/** `monarch scrub_suggest` (suggest.ts, loaded on call). */
export const suggestScrub: typeof import('./suggest.js').suggestScrub = async (...args) =>
	(await import('./suggest.js')).suggestScrub(...args);

/** Classified and unclassified paths of a small sample, for the TUI's Environments panel (suggest.ts, loaded on call). */
export const classificationCounts: typeof import('./suggest.js').classificationCounts = async (...args) =>
	(await import('./suggest.js')).classificationCounts(...args);

/** `monarch scrub_audit <source>:<target>` (audit.ts, loaded on call). */
export const auditScrub: typeof import('./audit.js').auditScrub = async (...args) => (await import('./audit.js')).auditScrub(...args);
