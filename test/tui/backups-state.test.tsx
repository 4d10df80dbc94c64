import test from 'ava';
import type {BackupEntry} from '../../source/core/backups/catalogue.js';
import {backupShortName} from '../../source/core/backups/index.js';
import type {BackupManifest} from '../../source/core/backups/manifest.js';
import {backupCells, backupDetails, backupFilterText, loadResultLines} from '../../source/tui/state/backup-rows.js';
import {applyFilter} from '../../source/tui/state/use-list-state.js';

const manifest: BackupManifest = {
	manifestVersion: 1,
	archive: 'acme__2026_11_23.archive.gz',
	environment: 'production',
	database: 'shop',
	createdAt: '2026-11-23T10:00:00.000Z',
	monarchVersion: '0.2.0',
	serverVersion: '7.0.0',
	querySet: {name: 'AccountQuerySet', answers: {accountId: 42}},
	collections: [
		{name: 'accounts', type: 'collection', count: 1, bytes: 120, crc: '0123456789abcdef', indexes: 1},
		{name: 'campaigns', type: 'collection', count: 2, bytes: 240, crc: 'fedcba9876543210', indexes: 1},
	],
	sha256: 'a'.repeat(64),
	size: 2048,
};

const complete: BackupEntry = {
	archive: manifest.archive,
	location: 'local',
	store: 'backups/',
	size: 2048,
	environment: 'production',
	database: 'shop',
	createdAt: new Date('2026-11-23T10:00:00Z'),
	querySet: manifest.querySet,
	subset: null,
	partial: Boolean(manifest.querySet),
	state: 'complete',
	manifest,
};

const incomplete: BackupEntry = {
	archive: 'shop__2026_11_22.archive.gz',
	location: 's3',
	store: 's3://bucket/',
	size: 7,
	environment: null,
	database: null,
	createdAt: new Date('2026-11-22T10:00:00Z'),
	querySet: null,
	subset: null,
	partial: false,
	state: 'incomplete',
	problem: 'no manifest: interrupted or still being written',
};

test('a backup row: short name, size, source, date, QuerySet, state', t => {
	t.is(backupShortName('shop__2026_11_23.archive.gz'), 'shop__2026_11_23');
	const now = new Date('2026-12-01T00:00:00Z');
	const cells = backupCells(complete, now);
	t.is(cells[0], 'acme__2026_11_23');
	t.regex(cells[1] ?? '', /^2(\.0)? (KiB|kB|KB)$/);
	t.is(cells[2], 'production');
	t.regex(cells[3] ?? '', /^11-23 \d\d:\d\d$/);
	t.deepEqual(cells.slice(4), ['AccountQuerySet', 'complete']);
	t.deepEqual(backupCells(incomplete, now).slice(2), ['?', backupCells(incomplete, now)[3], '-', 'incomplete']);
	// A backup of an earlier year shows its year instead of its time.
	t.regex(backupCells(complete, new Date('2027-01-02T12:00:00Z'))[3] ?? '', /^2026-11-23$/);
});

test('details: where it is, what it holds and the QuerySet answers; an incomplete one says why it cannot be restored', t => {
	const details = backupDetails(complete);
	t.is(details[0], 'backups/acme__2026_11_23.archive.gz');
	t.regex(details[1] ?? '', /^production \(database shop\), 2026-11-23 \d\d:\d\d: 2 collections, 3 documents$/);
	t.is(details[2], 'QuerySet AccountQuerySet (accountId=42)');
	t.is(details[3], "partial: QuerySet AccountQuerySet; restoring it replaces the target's whole data with this part");
	const subset = {roots: ['accounts:2%'], follow: 'both' as const, only: false, seed: 'monarch', documents: 30, totalDocuments: 400};
	const sliced = backupDetails({...complete, querySet: null, subset, manifest: {...manifest, querySet: null, subset}});
	t.is(
		sliced.at(-1),
		"partial: subset accounts:2% (both ways), 30 of 400 documents (7.5%); restoring it replaces the target's whole data with this part",
	);
	t.is(backupCells({...complete, querySet: null, subset})[4], 'subset accounts:2%');
	t.deepEqual(backupDetails(incomplete), [
		's3://bucket/shop__2026_11_22.archive.gz',
		'incomplete: no manifest: interrupted or still being written; it cannot be restored',
	]);
});

test('the / filter matches the name, source, QuerySet, store and state', t => {
	const entries = [complete, incomplete];
	t.deepEqual(applyFilter(entries, 'account', backupFilterText), [complete]);
	t.deepEqual(applyFilter(entries, 's3://', backupFilterText), [incomplete]);
	t.deepEqual(applyFilter(entries, 'INCOMPLETE', backupFilterText), [incomplete]);
	t.deepEqual(applyFilter(entries, 'production', backupFilterText), [complete]);
});

test('the result of a restore or copy: each collection, what was dropped, the safety backup', t => {
	const lines = loadResultLines(
		{
			collections: [
				{name: 'accounts', count: 1},
				{name: 'campaigns', count: 2},
			],
			dropped: ['cats'],
			safetyBackup: {archive: 'shop_before_restore__2026_11_23.archive.gz', store: 'backups/'} as never,
		},
		'production (database shop)',
		'backups/acme__2026_11_23.archive.gz',
	);
	t.deepEqual(lines, [
		'from        backups/acme__2026_11_23.archive.gz',
		'into        production (database shop)',
		'loaded      2 collections, 3 documents',
		'  accounts   1',
		'  campaigns  2',
		'dropped     cats (not in the source)',
		'safety      backups/shop_before_restore__2026_11_23.archive.gz',
	]);
});
