import test from 'ava';
import {rehearsalMarkdown} from '../source/cli/rehearsal-markdown.js';
import type {RehearsalReport} from '../source/core/rehearse/index.js';
import {failedReport, passedReport, querySetReport} from './tui/fixtures/rehearsal-reports.js';

/*
 * `monarch rehearse <env> --markdown`, as exact snapshots of reports with
 * every figure fixed (test/tui/fixtures/rehearsal-reports.ts: no clock, no
 * server). rehearsal-reports.test.ts checks that the command prints this for a real rehearsal.
 */

const markdown = (report: RehearsalReport) => rehearsalMarkdown(report).split('\n');

test('a passed rehearsal: the verdict first, then source and copy, the migrations, the per-collection table', t => {
	t.deepEqual(markdown(passedReport), [
		'## ✅ Rehearsal of production passed',
		'',
		'**All 2 pending migrations passed on a copy of production taken at 2026-11-28 21:50:03 UTC**',
		'',
		"Source `production` (database `shop`), copy taken at 2026-11-28 21:50:03 UTC by its server's clock: 3 collections, 1250 documents copied in 1.8 s. Report `production-20261128T215003000Z-a1b2c3`, by ana@laptop with monarch 0.2.0.",
		'',
		'### Migrations',
		'',
		'| Migration | Outcome | Duration |',
		'| --- | --- | --: |',
		'| `20261101000000_add_email_index` | ✅ Completed | 120 ms |',
		'| `20261102000000_drop_test_orders` | ✅ Completed | 2.5 s |',
		'',
		'### Collections',
		'',
		'| Collection | Before | After | Inserted | Deleted | Changed | Indexes |',
		'| --- | --: | --: | --: | --: | --: | --- |',
		'| `orders` | 200 | 150 | 0 | 50 | 0 | - |',
		'| `products` | 50 | 50 | 0 | 0 | 0 | - |',
		'| `users` | 1000 | 1000 | 0 | 0 | 1000 | `+email_1` |',
		'',
	]);
});

test('a failed rehearsal: the verdict in its heading and first line, the failed row with its error, the next one not run', t => {
	t.deepEqual(markdown(failedReport), [
		'## ❌ Rehearsal of production failed',
		'',
		'**20261102000000\\_unique\\_emails failed on a copy of production taken at 2026-11-28 21:50:03 UTC: E11000 duplicate key error collection: shop\\_rehearsal\\_20261128\\_215003.users index: email\\_1 dup key: { email: "a@example.com" } (1 of 3 pending migrations passed before it)**',
		'',
		"Source `production` (database `shop`), copy taken at 2026-11-28 21:50:03 UTC by its server's clock: 3 collections, 1250 documents copied in 1.8 s. Report `production-20261128T215003000Z-a1b2c3`, by ana@laptop with monarch 0.2.0.",
		'',
		'### Migrations',
		'',
		'| Migration | Outcome | Duration |',
		'| --- | --- | --: |',
		'| `20261101000000_add_email_index` | ✅ Completed | 120 ms |',
		'| `20261102000000_unique_emails` | ❌ Failed: E11000 duplicate key error collection: shop\\_rehearsal\\_20261128\\_215003.users index: email\\_1 dup key: { email: "a@example.com" } | 35 ms |',
		'| `20261103000000_backfill_names` | ⏭️ Not run | - |',
		'',
		'### Collections',
		'',
		'| Collection | Before | After | Inserted | Deleted | Changed | Indexes |',
		'| --- | --: | --: | --: | --: | --: | --- |',
		'| `orders` | 200 | 200 | 0 | 0 | 0 | - |',
		'| `products` | 50 | 50 | 0 | 0 | 0 | - |',
		'| `users` | 1000 | 1000 | 0 | 0 | 0 | `+email_1` |',
		'',
	]);
});

test('with a QuerySet: the estimate column for all of the source, and the estimate paragraph with the scale and the sum', t => {
	t.deepEqual(markdown(querySetReport), [
		'## ✅ Rehearsal of production passed',
		'',
		'**The 1 pending migration passed on a copy of production (QuerySet AccountQuerySet) taken at 2026-11-28 21:50:03 UTC**',
		'',
		"Source `production` (database `shop`), copy taken at 2026-11-28 21:50:03 UTC by its server's clock: 2 collections, 25 documents copied in 310 ms. Report `production-20261128T215003000Z-a1b2c3`, by ana@laptop with monarch 0.2.0.",
		'',
		'### Migrations',
		'',
		'| Migration | Outcome | Duration | Estimate for all of production |',
		'| --- | --- | --: | --: |',
		'| `20261101000000_add_email_index` | ✅ Completed | 12 ms | ~1.2 s |',
		'',
		'### Collections',
		'',
		'| Collection | Before | After | Inserted | Deleted | Changed | Indexes |',
		'| --- | --: | --: | --: | --: | --: | --- |',
		'| `accounts` | 1 | 1 | 0 | 0 | 1 | - |',
		'| `campaigns` | 24 | 24 | 0 | 0 | 0 | `+account_id_1` `-legacy_account_1` |',
		'',
		'### Estimate',
		'',
		'The copy held what QuerySet `AccountQuerySet` (accountId=42) picks: 25 of 2500 documents of the same collections on production. Each duration is scaled by 2500 / 25: about 1.2 s for the migration that ran, on all of production. An estimate, not a measurement.',
		'',
	]);
});

test('nothing pending: the verdict and the source only, no tables', t => {
	const nothing: RehearsalReport = {
		...passedReport,
		pending: [],
		migrations: [],
		collections: [],
		copied: {collections: 0, documents: 0, sourceDocuments: 0},
		copyMs: 0,
		scratch: {...passedReport.scratch, database: ''},
		verdict: {passed: true, pending: 0, line: 'Nothing to rehearse: all 3 migrations of production are completed'},
	};
	t.deepEqual(markdown(nothing), [
		'## ✅ Rehearsal of production passed',
		'',
		'**Nothing to rehearse: all 3 migrations of production are completed**',
		'',
		"Source `production` (database `shop`), copy taken at 2026-11-28 21:50:03 UTC by its server's clock: nothing copied. Report `production-20261128T215003000Z-a1b2c3`, by ana@laptop with monarch 0.2.0.",
		'',
	]);
});

test('no value from the data can break the Markdown: pipes, new lines, emphasis and backticks are escaped or fenced', t => {
	const report: RehearsalReport = {
		...failedReport,
		migrations: [{key: '20261102000000_unique_emails', state: 'Failed', durationMs: 35, error: 'a | b\n*c* <d>', log: []}],
		collections: [{...passedReport.collections[0]!, name: 'odd`name', indexesAdded: ['x|y']}],
	};
	const lines = markdown(report);
	t.true(lines.includes('| `20261102000000_unique_emails` | ❌ Failed: a \\| b \\*c\\* \\<d\\> | 35 ms |'), lines.join('\n'));
	t.true(lines.includes('| ``odd`name`` | 200 | 150 | 0 | 50 | 0 | `+x\\|y` |'), lines.join('\n'));
});
