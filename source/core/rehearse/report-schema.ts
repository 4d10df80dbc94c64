import {z} from '../zod.js';
import type {RehearsalReport} from './report.js';

/** A number or a string the JSON may leave out (`undefined` is not written). */
const maybeNumber = z.number().optional();
const maybeString = z.string().optional();
const isoTime = z.iso.datetime({offset: true});

const migrationSchema = z.object({
	key: z.string().min(1),
	state: z.enum(['Completed', 'Failed', 'NotRun']),
	durationMs: maybeNumber,
	estimatedMs: maybeNumber,
	error: maybeString,
	log: z.array(z.string()),
});

const collectionSchema = z.object({
	name: z.string().min(1),
	before: z.number(),
	after: z.number(),
	inserted: z.number(),
	deleted: z.number(),
	changed: z.number(),
	indexesAdded: z.array(z.string()),
	indexesDropped: z.array(z.string()),
});

/**
 * A stored rehearsal report as JSON (`rehearsals/<id>.json`): every field a
 * reader relies on, checked before it is trusted (`listRehearsals` skips one
 * that fails). Unknown fields are dropped, so a newer monarch's report still reads.
 */
export const rehearsalReportSchema: z.ZodType<RehearsalReport> = z.object({
	id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/),
	source: z.object({environment: z.string().min(1), database: z.string().min(1)}),
	scratch: z.object({environment: z.string(), database: z.string(), kept: z.boolean()}),
	takenAt: isoTime,
	pending: z.array(z.object({key: z.string().min(1), checksum: z.string().regex(/^[0-9a-f]{64}$/)})),
	scrubbed: z.boolean(),
	monarchVersion: z.string().min(1),
	ranBy: z.string().min(1),
	querySet: z.object({name: z.string().min(1), answers: z.record(z.string(), z.unknown())}).nullable(),
	subset: z
		.object({roots: z.array(z.string()), follow: z.enum(['down', 'both']), only: z.boolean(), seed: z.string()})
		.nullable()
		.optional(),
	copied: z.object({collections: z.number(), documents: z.number(), sourceDocuments: z.number()}),
	copyMs: z.number(),
	migrations: z.array(migrationSchema),
	collections: z.array(collectionSchema),
	verdict: z.object({
		passed: z.boolean(),
		pending: z.number(),
		failed: z.object({key: z.string(), error: z.string()}).optional(),
		line: z.string(),
	}),
});
