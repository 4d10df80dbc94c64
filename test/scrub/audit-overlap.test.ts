import test from 'ava';
import {loadConfig} from '../../source/core/config/load.js';
import type {MonarchEvent} from '../../source/core/events.js';
import {auditScrub} from '../../source/core/scrub/audit.js';
import type {Loose} from '../helpers/backup-data.js';
import {key, scrubProject} from './helpers.js';

/** The phones of production's accounts as it holds them (helpers.ts). */
const phone = (index: number) => `+33 6 12 34 ${String(index).padStart(4, '0')}`;

test("target batches held until the source is read give the sequential audit's findings, examples in cursor order; progress per side ends at its total", async t => {
	const {project} = await scrubProject(t);
	const copied = await project.monarch(['copy_db', 'production:development', '--scrub', '--yes'], {env: key});
	t.is(copied.code, 0, copied.stderr);
	// A collection of 3500 documents (4 batches of the audit's cursors) with leaks in its first, second and last batches,
	// in an order that decides the examples (05, then 17 and 42, then 42 twice in one document: one document, two values,
	// then 99 and 05 again, past the three examples); and emails production does not hold, detected only.
	const planted = new Map<number, string>([
		[10, `call ${phone(5)}`],
		[1200, `call ${phone(17)} or ${phone(42)}`],
		[2300, `call ${phone(42)}, again ${phone(42)}`],
		[3400, `call ${phone(99)}`],
		[3450, `call ${phone(5)}`],
		[700, 'write to nobody1@else.example'],
		[3499, 'write to nobody2@else.example'],
	]);
	await project
		.db('development')
		.collection<Loose>('journal')
		.insertMany(Array.from({length: 3500}, (_, index) => ({_id: index, text: planted.get(index) ?? `entry ${index}`})));

	const config = await loadConfig({cwd: project.dir});
	const run = async (holdTarget: 'near-end' | 'hold-all') => {
		const events: MonarchEvent[] = [];
		const result = await auditScrub({config, source: 'production', target: 'development', holdTarget, events: event => events.push(event)});
		return {result: {...result, durationMs: 0}, events};
	};

	const held = await run('hold-all');
	const near = await run('near-end');
	t.deepEqual(held.result, near.result, 'the same result whether the target is held or not');
	const journal = held.result.findings.filter(finding => finding.collection === 'journal');
	t.deepEqual(journal, [
		{
			collection: 'journal',
			path: 'text',
			finding: 'source-value',
			kind: 'phone',
			classification: 'collection not classified',
			count: 7,
			documents: 5,
			examples: ['+** * ** ** **05', '+** * ** ** **17', '+** * ** ** **42'],
		},
		{
			collection: 'journal',
			path: 'text',
			finding: 'detected',
			kind: 'email',
			classification: 'collection not classified',
			count: 2,
			documents: 2,
			examples: ['n***@e***.example'],
		},
	]);
	t.like(held.result, {read: {collections: 4, documents: 471}, scanned: {collections: 5, documents: 471 + 3500}, clean: false});

	for (const {events} of [held, near]) {
		const progress = events.filter(event => event.type === 'progress');
		for (const [task, documents] of [
			['scrub_audit production:development: read production', 471],
			['scrub_audit production:development: scan development', 471 + 3500],
		] as const) {
			const side = progress.filter(event => event.task === task);
			t.true(side.length > 1, task);
			t.deepEqual(
				side.map(event => event.done),
				side.map(event => event.done).sort((a, b) => a - b),
				'done never goes back',
			);
			t.like(side.at(-1), {done: documents, total: documents, unit: 'docs'});
		}

		// Each side's events in one run, the source's first: no scan event before the source's last (whose total is known).
		const lastRead = events.findLastIndex(event => event.type === 'progress' && event.task.endsWith('read production'));
		const firstScan = events.findIndex(event => event.type === 'progress' && event.task.endsWith('scan development'));
		t.true(firstScan > lastRead, `${firstScan} > ${lastRead}`);
	}
});

test('an audit cancelled while the source is read stops with one line, and scans nothing of the target', async t => {
	const {project} = await scrubProject(t);
	const copied = await project.monarch(['copy_db', 'production:development', '--scrub', '--yes'], {env: key});
	t.is(copied.code, 0, copied.stderr);
	const config = await loadConfig({cwd: project.dir});
	const controller = new AbortController();
	const events: MonarchEvent[] = [];
	const error = await t.throwsAsync(
		auditScrub({
			config,
			source: 'production',
			target: 'development',
			signal: controller.signal,
			events(event) {
				events.push(event);
				// Cancelled once the source's first batch is read: its next batch stops it.
				if (event.type === 'progress' && event.done > 0) controller.abort();
			},
		}),
	);
	t.is(error?.message, 'Cancelled the audit');
	t.false(events.some(event => event.type === 'progress' && event.task.endsWith('scan development') && event.done > 0));
});
