/**
 * The rehearsal gate as a pure decision (source/core/rehearse/gate.ts): each
 * reason it refuses with, the latest of one set counting, the age by the
 * server's clock, QuerySet copies only when allowed; and the confirmation's
 * evidence lines and estimate (evidence.ts). Fixed times throughout.
 */
import test from 'ava';
import {estimateRun, evidenceLines} from '../source/core/rehearse/evidence.js';
import {checkGate, type GateInput, gateRefusal} from '../source/core/rehearse/gate.js';
import type {RehearsalReport} from '../source/core/rehearse/report.js';

const serverNow = new Date('2026-12-07T12:00:00.000Z');
const hours = (count: number) => new Date(serverNow.getTime() - count * 3_600_000).toISOString();
const pending = [
	{key: '20261201000000_a', checksum: 'aaa'},
	{key: '20261202000000_b', checksum: 'bbb'},
];
const day = {within: '24h', withinMs: 86_400_000, querySet: false};

/** A stored report of production, passed, of `pending`, its copy taken `age` hours before the server's now. */
function report(id: string, age: number, change: Partial<RehearsalReport> = {}): RehearsalReport {
	return {
		id,
		source: {environment: 'production', database: 'shop'},
		scratch: {environment: 'development', database: `shop_rehearsal_${id}`, kept: false},
		takenAt: hours(age),
		pending,
		scrubbed: false,
		monarchVersion: '0.2.0',
		ranBy: 'ci@runner',
		querySet: null,
		copied: {collections: 2, documents: 100, sourceDocuments: 100},
		copyMs: 50,
		migrations: pending.map(({key}) => ({key, state: 'Completed', durationMs: 400, estimatedMs: undefined, error: undefined, log: []})),
		collections: [
			{name: 'dogs', before: 60, after: 60, inserted: 0, deleted: 0, changed: 60, indexesAdded: [], indexesDropped: []},
			{name: 'toys', before: 40, after: 40, inserted: 0, deleted: 0, changed: 0, indexesAdded: ['color_1'], indexesDropped: []},
			{name: 'owls', before: 0, after: 0, inserted: 0, deleted: 0, changed: 0, indexesAdded: [], indexesDropped: []},
		],
		verdict: {passed: true, pending: 2, failed: undefined, line: 'All 2 pending migrations passed'},
		...change,
	};
}

const gate = (reports: RehearsalReport[], more: Partial<GateInput> = {}) =>
	checkGate({environment: 'production', pending, reports, serverNow, requirement: day, ...more});

test('no report: refused, none; the refusal is one line naming the command to run', t => {
	const decision = gate([]);
	t.like(decision, {passed: false, reason: 'none', rehearsal: undefined});
	const error = gateRefusal('production', decision);
	t.is(error.code, 'not-rehearsed');
	t.is(error.exitCode, 2);
	t.is(error.message, 'migrate production refused: no rehearsal of production is stored; nothing was changed');
	t.is(error.hint, 'run `monarch rehearse production` first, or pass --unrehearsed to run anyway');
	t.like(gate([report('staging-1', 1, {source: {environment: 'staging', database: 'shop_staging'}})]), {reason: 'none'});
});

test('a passing rehearsal of exactly the pending set, younger than the limit by the server clock, passes', t => {
	const decision = gate([report('production-1', 23.9)]);
	t.like(decision, {passed: true, reason: undefined, ageMs: 23.9 * 3_600_000});
	t.is(decision.rehearsal?.id, 'production-1');
	t.like(gate([report('production-1', 24.1)]), {passed: false, reason: 'too-old'});
	t.regex(
		gate([report('production-1', 30)]).why,
		/^the latest rehearsal of these 2 pending migrations \(production-1, a copy taken 30 h ago\) is older than 24h$/,
	);
	// Nothing required (a protected environment's evidence): any age counts.
	t.like(gate([report('production-1', 24 * 30)], {requirement: undefined}), {passed: true});
});

test('the age is the server clock against the copy time as the server saw it: a copy dated after the server now is not trusted', t => {
	t.like(gate([report('production-1', -0.01)]), {passed: true});
	const decision = gate([report('production-1', -2)]);
	t.like(decision, {passed: false, reason: 'too-old'});
	t.regex(decision.why, /is dated 2026-12-07T14:00:00.000Z, after the server's now \(2026-12-07T12:00:00.000Z\): not trusted$/);
});

test('two rehearsals of the same set: the latest counts, failed or passed', t => {
	const failed = report('production-2', 1, {
		migrations: [
			{key: pending[0]!.key, state: 'Completed', durationMs: 10, estimatedMs: undefined, error: undefined, log: []},
			{key: pending[1]!.key, state: 'Failed', durationMs: 5, estimatedMs: undefined, error: 'E11000 duplicate key', log: []},
		],
		verdict: {passed: false, pending: 2, failed: {key: pending[1]!.key, error: 'E11000 duplicate key'}, line: 'failed'},
	});
	const decision = gate([report('production-1', 3), failed]);
	t.like(decision, {passed: false, reason: 'failed'});
	t.regex(decision.why, /\(production-2, a copy taken 1 h ago\) failed: 20261202000000_b: E11000 duplicate key$/);
	t.like(gate([failed, report('production-3', 0.5)]), {passed: true, rehearsal: {id: 'production-3'}});
	// Same copy time: the greater id is the latest.
	t.like(gate([report('production-4', 1), {...failed, id: 'production-3', takenAt: hours(1)}]), {
		passed: true,
		rehearsal: {id: 'production-4'},
	});
});

test('a file edited after its rehearsal fails the gate by its checksum; other migrations are named', t => {
	const edited = gate([report('production-1', 1)], {pending: [pending[0]!, {key: pending[1]!.key, checksum: 'bbb2'}]});
	t.like(edited, {passed: false, reason: 'changed-file'});
	t.is(edited.why, '20261202000000_b changed since production-1 rehearsed it (another checksum)');

	const more = gate([report('production-1', 1)], {pending: [...pending, {key: '20261203000000_c', checksum: 'ccc'}]});
	t.like(more, {passed: false, reason: 'other-migrations'});
	t.is(more.why, 'the latest rehearsal (production-1) was of other migrations: not rehearsed: 20261203000000_c');
	const fewer = gate([report('production-1', 1)], {pending: [pending[1]!]});
	t.is(fewer.why, 'the latest rehearsal (production-1) was of other migrations: no longer pending: 20261201000000_a');
	// migrate_one of a migration that is not pending.
	t.like(gate([report('production-1', 1)], {key: '20261101000000_done'}), {passed: false, reason: 'other-migrations'});
	t.like(gate([report('production-1', 1)], {key: pending[1]!.key}), {passed: true});
});

test("a QuerySet's rehearsal counts only when requireRehearsal says querySet: true", t => {
	const partial = report('production-1', 1, {querySet: {name: 'AccountQuerySet', answers: {accountId: 42}}});
	const refused = gate([partial]);
	t.like(refused, {passed: false, reason: 'none'});
	t.regex(refused.why, /^only rehearsals on a part of production \(a QuerySet or a subset\) are stored \(the latest: production-1\)/);
	t.like(gate([partial], {requirement: {...day, querySet: true}}), {passed: true});
});

test("a subset's rehearsal is a part too: it counts only when requireRehearsal says querySet: true", t => {
	const slice = report('production-1', 1, {subset: {roots: ['accounts:10%'], follow: 'down', only: false, seed: 'monarch'}});
	const refused = gate([slice]);
	t.like(refused, {passed: false, reason: 'none'});
	t.regex(refused.why, /^only rehearsals on a part of production \(a QuerySet or a subset\) are stored \(the latest: production-1\)/);
	const passed = gate([slice], {requirement: {...day, querySet: true}});
	t.like(passed, {passed: true});
	t.regex(evidenceLines('production', passed, undefined, false)[0]!.text, /on a copy of subset accounts:10% taken at/);
});

test('the evidence: the rehearsal in green with its outcome, the estimate scaled by the documents; not rehearsed in yellow; a failure in red', t => {
	const passing = report('production-1', 0.2);
	const estimate = estimateRun(
		passing,
		new Map([
			['dogs', 600],
			['toys', 400],
		]),
	);
	t.deepEqual(estimate, {rehearsedMs: 800, copyDocuments: 100, targetDocuments: 1000, estimatedMs: 8000});
	t.deepEqual(evidenceLines('production', gate([passing]), estimate, false), [
		{tone: 'good', text: 'Rehearsed 12 min ago on a copy taken at 2026-12-07 11:48:00 UTC: 2 of 2 passed, 2 collections changed'},
		{tone: 'plain', text: "Estimated ~8.0 s on production (800 ms on the copy's 100 documents; 1,000 there now)"},
	]);
	t.deepEqual(evidenceLines('production', gate([]), undefined, true), [
		{tone: 'warn', text: 'Not rehearsed: no rehearsal of production is stored'},
		{tone: 'warn', text: 'Running unrehearsed (--unrehearsed): the history records it'},
	]);
	const failed = report('production-2', 2, {
		migrations: [{key: pending[0]!.key, state: 'Failed', durationMs: 1, estimatedMs: undefined, error: 'boom', log: []}],
		verdict: {passed: false, pending: 2, failed: {key: pending[0]!.key, error: 'boom'}, line: 'failed'},
	});
	const [line] = evidenceLines('production', gate([failed]), undefined, false);
	t.deepEqual(line, {
		tone: 'bad',
		text: 'Rehearsal failed 2 h ago on a copy taken at 2026-12-07 10:00:00 UTC: 0 of 1 passed, 2 collections changed; 20261201000000_a: boom',
	});
});
